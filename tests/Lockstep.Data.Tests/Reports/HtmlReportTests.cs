using Lockstep.Data.Reports;
using Lockstep.Data.Statistics;
using Lockstep.Data.Tables;

namespace Lockstep.Data.Tests.Reports;

public sealed class HtmlReportTests
{
    private static DatasetStatistics Stats()
    {
        var t = new Table([
            Column.FromInt64("age", [20, 30, 40, null]),
            Column.FromString("<b>class</b>", ["a", "b", "a", null]),
        ]);
        var c = new StatisticsCollector(t.Layout);
        c.Add(t);
        return c.Build();
    }

    [Fact]
    public void The_report_is_self_contained_html_with_a_histogram_category_bars_and_a_missing_overview()
    {
        var html = HtmlReport.Render("people.csv", Stats());
        html.ShouldStartWith("<!DOCTYPE html>");
        html.ShouldContain("Missing values");
        html.ShouldContain("histogram of age");
        html.ShouldContain("most frequent values of &lt;b&gt;class&lt;/b&gt;");
        html.ShouldNotContain("<b>class</b>");
        html.ShouldNotContain("<script");
        html.ShouldNotContain("http://");
        html.ShouldNotContain("https://");
    }

    [Fact]
    public void The_same_statistics_give_the_same_report()
    {
        HtmlReport.Render("x", Stats()).ShouldBe(HtmlReport.Render("x", Stats()));
    }
}
