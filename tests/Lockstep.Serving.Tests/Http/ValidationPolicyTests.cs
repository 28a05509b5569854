using System.Net;
using System.Text.Json;
using Lockstep.Serving.Http;
using Lockstep.Serving.Logging;
using Lockstep.Serving.Tests.Support;
using Shouldly;
using Xunit;

namespace Lockstep.Serving.Tests.Http;

public sealed class ValidationPolicyTests
{
    [Fact]
    public async Task Under_the_flag_policy_an_invalid_row_is_scored_and_marked_in_the_answer_and_the_log()
    {
        await using var f = await ServerFixture.StartAsync(new ServerOptions { Policy = ValidationPolicy.Flag });
        var row = Rows.Valid.Replace("\"age\":39", "\"age\":150", StringComparison.Ordinal);

        using var response = await f.PredictAsync(row);

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        body.RootElement.GetProperty("findings")[0].GetProperty("field").GetString().ShouldBe("age");
        await foreach (var r in f.Reader.ReadAsync(new PredictionQuery(), CancellationToken.None))
        {
            r.FindingsJson.ShouldNotBeNull().ShouldContain("range");
        }
    }
}
