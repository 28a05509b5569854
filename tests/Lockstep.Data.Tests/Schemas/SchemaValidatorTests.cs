using System.Text.Json;
using Lockstep.Data.Schemas;
using Lockstep.Data.Statistics;
using Lockstep.Data.Tables;

namespace Lockstep.Data.Tests.Schemas;

public sealed class SchemaValidatorTests
{
    private static readonly DatasetSchema Schema = DatasetSchema.FromYaml("""
        format: schema/1
        label: income
        rows: {min: 2, max: 100}
        columns:
          age: {type: int64, nullable: false, min: 17, max: 90}
          workclass: {type: string, allowed: [Private, State-gov], max_missing_rate: 0.5}
          id: {type: int64, unique: true}
          income: {type: string}
        """, "schema.yaml");

    private static Table Data(long?[] ages, string?[] work, long?[] ids) => new([
        Column.FromInt64("age", ages),
        Column.FromString("workclass", work),
        Column.FromInt64("id", ids),
        Column.FromString("income", ages.Select(_ => (string?)">50K")),
    ]);

    [Fact]
    public void A_table_that_meets_every_expectation_has_no_findings()
    {
        new SchemaValidator(Schema).Validate(Data([20, 30], ["Private", null], [1, 2])).ShouldBeEmpty();
    }

    [Fact]
    public void Findings_name_column_expectation_observed_value_and_rows_worst_first()
    {
        var findings = new SchemaValidator(Schema).Validate(Data([20, 95, null, 99], ["Private", "Nope", null, null], [1, 2, 2, 3]));
        findings.Select(f => (f.Column, f.Expectation)).ShouldBe([
            ("age", "≤ 90"),
            ("age", "not missing"),
            ("id", "unique values"),
            ("workclass", "one of Private, State-gov"),
        ], ignoreOrder: false);
        var range = findings[0];
        range.Count.ShouldBe(2);
        range.Rows.ShouldBe([1L, 3L]);
        range.Observed.ShouldContain("e.g. 95");
    }

    [Fact]
    public void A_missing_column_and_a_wrong_type_rank_above_value_checks()
    {
        var table = new Table([Column.FromString("age", ["x", "y"]), Column.FromInt64("id", [1, 2])]);
        var findings = new SchemaValidator(Schema).Validate(table);
        findings[0].Rank.ShouldBe(0);
        findings.ShouldContain(f => f.Column == "age" && f.Expectation == "type int64" && f.Observed == "type string");
        findings.ShouldContain(f => f.Column == "income" && f.Expectation.StartsWith("present"));
        findings.ShouldContain(f => f.Column == "workclass" && f.Observed == "absent");
    }

    [Fact]
    public void Row_bounds_are_checked()
    {
        var findings = new SchemaValidator(Schema).Validate(Data([20], ["Private"], [1]));
        findings.Single().Expectation.ShouldBe("at least 2 rows");
    }

    [Fact]
    public void A_single_row_is_validated_as_a_serving_request_would_be_without_the_label()
    {
        var v = new SchemaValidator(Schema);
        v.ValidateRow(new Dictionary<string, object?> { ["age"] = 40L, ["workclass"] = "Private", ["id"] = 7 }).ShouldBeEmpty();

        using var doc = JsonDocument.Parse("""{"age": 12.5, "workclass": "Pirate", "agee": 3}""");
        var row = doc.RootElement.EnumerateObject().ToDictionary(p => p.Name, p => (object?)p.Value);
        var findings = v.ValidateRow(row);
        findings.ShouldContain(f => f.Column == "agee" && f.Observed == "unknown column");
        findings.ShouldContain(f => f.Column == "id" && f.Expectation == "present");
        findings.ShouldContain(f => f.Column == "age" && f.Expectation == "type int64" && f.Observed == "12.5");
        findings.ShouldContain(f => f.Column == "workclass" && f.Observed == "'Pirate'");
        findings.ShouldNotContain(f => f.Column == "income");
    }

    [Fact]
    public void A_null_in_a_non_nullable_column_is_reported_for_a_row()
    {
        var findings = new SchemaValidator(Schema).ValidateRow(new Dictionary<string, object?> { ["age"] = null, ["workclass"] = null, ["id"] = 1 });
        findings.Single().ShouldBe(findings.Single(f => f.Column == "age" && f.Expectation == "not missing"));
    }

    [Fact]
    public void An_inferred_schema_round_trips_through_yaml_and_accepts_its_own_data()
    {
        var table = Data([20, 30, null], ["Private", "State-gov", null], [1, 2, 3]);
        var collector = new StatisticsCollector(table.Layout);
        collector.Add(table);
        var schema = DatasetSchema.Infer(collector.Build(), label: "income");
        var yaml = schema.ToYaml();
        var back = DatasetSchema.FromYaml(yaml, "inferred.yaml");
        back.ToYaml().ShouldBe(yaml);
        back.Find("workclass")!.Allowed.ShouldBe(["Private", "State-gov"]);
        back.Find("id")!.Nullable.ShouldBeFalse();
        back.Find("age")!.Nullable.ShouldBeTrue();
        new SchemaValidator(back).Validate(table).ShouldBeEmpty();
    }

    [Fact]
    public void Schema_yaml_mistakes_name_the_file_line_and_column()
    {
        var e = Should.Throw<DataException>(() => DatasetSchema.FromYaml("format: schema/1\ncolumns:\n  age:\n    type: integerish\n", "s.yaml"));
        e.Message.ShouldStartWith("s.yaml:4:11:");
        e.Message.ShouldContain("integerish");
        Should.Throw<DataException>(() => DatasetSchema.FromYaml("format: schema/1\ncolumns:\n  age: {maxx: 3}\n", "s.yaml")).Message.ShouldContain("unknown expectation 'maxx'");
    }
}
