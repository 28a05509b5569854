using System.Globalization;
using Lockstep.Data.Schemas;
using Lockstep.Serving.Scoring;
using Lockstep.Serving.Tests.Support;
using Shouldly;
using Xunit;

namespace Lockstep.Serving.Tests.Scoring;

public sealed class ExpectationValidatorTests
{
    private static readonly DatasetSchema Expectations = TestBundles.AdultExpectations;

    private static Dictionary<string, object?> Valid() => TestBundles.ValidAdultRow();

    [Theory]
    [InlineData("fnlwgt", 1490400d)]
    [InlineData("fnlwgt", 9999999999d)]
    [InlineData("fnlwgt", 1e10)]
    [InlineData("fnlwgt", 12345678901d)]
    [InlineData("fnlwgt", 2000000.5)]
    [InlineData("fnlwgt", 1.7976931348623157e308)]
    [InlineData("age", -0d)]
    [InlineData("age", 1d)]
    [InlineData("age", -5d)]
    [InlineData("age", -9999999999d)]
    [InlineData("age", 0.25)]
    public void An_out_of_range_number_is_named_in_its_finding_as_the_G10_format_writes_it(string field, double value)
    {
        var row = Valid();
        row[field] = value;
        var findings = new List<FieldFinding>();
        new ExpectationValidator(Expectations).Validate(row, 3, findings);
        var range = findings.Where(f => f.Kind == "range").ShouldHaveSingleItem();
        range.Message.ShouldStartWith($"'{field}' = {value.ToString("G10", CultureInfo.InvariantCulture)} is outside the range the model accepts (expected ");
    }
}
