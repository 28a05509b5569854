using Lockstep.Data.Schemas;
using Lockstep.Serving.Scoring;
using Lockstep.Serving.Tests.Support;
using Shouldly;
using Xunit;

namespace Lockstep.Serving.Tests.Scoring;

public sealed class CleanRowCheckTests
{
    private static readonly DatasetSchema Expectations = TestBundles.AdultExpectations;

    private static Dictionary<string, object?> Valid() => TestBundles.ValidAdultRow();

    public static TheoryData<string, object?> Changes => new()
    {
        { "age", 39d },                 // unchanged: clean
        { "age", 39.5d },               // not an integer
        { "age", -3d },                 // below the training minimum
        { "age", 1000d },               // above the training maximum
        { "age", "39" },                // text for a number
        { "age", null },                // null where training never had one
        { "age", true },                // a kind the quick check does not handle
        { "workclass", "Space-agency" }, // unseen category
        { "workclass", null },          // null where training had missing values
        { "workclass", 3d },            // number for a category
        { "nickname", "x" },            // unknown column
        { "income", ">50K" },           // the label
    };

    [Theory]
    [MemberData(nameof(Changes))]
    public void The_quick_check_calls_a_row_clean_only_when_the_full_validator_finds_nothing(string field, object? value)
    {
        var row = Valid();
        row[field] = value;
        var check = new CleanRowCheck(Expectations);

        var full = new SchemaValidator(Expectations).ValidateRow(row);

        if (check.IsClean(row))
        {
            full.ShouldBeEmpty();
        }
        if (full.Count > 0)
        {
            check.IsClean(row).ShouldBeFalse();
        }
    }

    [Fact]
    public void A_valid_row_without_its_label_is_clean()
    {
        var check = new CleanRowCheck(Expectations);

        check.IsClean(Valid()).ShouldBeTrue();
        new SchemaValidator(Expectations).ValidateRow(Valid()).ShouldBeEmpty();
    }

    [Fact]
    public void An_absent_column_is_not_clean_even_when_nullable()
    {
        var row = Valid();
        row.Remove("native-country");

        new CleanRowCheck(Expectations).IsClean(row).ShouldBeFalse();
        // The serving validator still accepts it: training had missing native-country, the bundle imputes it.
        var findings = new List<FieldFinding>();
        new ExpectationValidator(Expectations).Validate(row, 0, findings);
        findings.ShouldBeEmpty();
    }
}
