using System.Net;
using System.Text;
using System.Text.Json;
using Lockstep.Serving.Http;
using Lockstep.Serving.Logging;
using Lockstep.Serving.Tests.Support;
using Shouldly;
using Xunit;

namespace Lockstep.Serving.Tests.Http;

public sealed class PredictEndpointTests : IAsyncLifetime
{
    private ServerFixture _f = null!;

    public async Task InitializeAsync() => _f = await ServerFixture.StartAsync();

    public async Task DisposeAsync() => await _f.DisposeAsync();

    [Fact]
    public async Task A_valid_row_is_scored_and_its_prediction_is_in_the_log_when_the_answer_arrives()
    {
        using var response = await _f.PredictAsync(Rows.Valid);

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        body.RootElement.GetProperty("model").GetString().ShouldBe("adult");
        body.RootElement.GetProperty("version").GetInt32().ShouldBe(1);
        var probability = body.RootElement.GetProperty("probability").GetDouble();
        probability.ShouldBeInRange(0, 1);
        body.RootElement.GetProperty("label").GetString().ShouldBeOneOf(">50K", "<=50K");
        var requestId = body.RootElement.GetProperty("requestId").GetString()!;
        response.Headers.GetValues("X-Request-Id").ShouldContain(requestId);

        var logged = await ReadLogAsync();
        var entry = logged.ShouldHaveSingleItem();
        entry.RequestId.ShouldBe(requestId);
        entry.Model.ShouldBe("adult");
        entry.Version.ShouldBe(1);
        entry.BundleHash.ShouldBe(Lockstep.Hashing.ContentHasher.HashBytes(TestBundles.V1).Hex);
        entry.Source.ShouldBe("http");
        JsonDocument.Parse(entry.InputJson).RootElement.GetProperty("age").GetDouble().ShouldBe(39);
        JsonDocument.Parse(entry.OutputJson).RootElement.GetProperty("probability").GetDouble().ShouldBe(probability);
        entry.FindingsJson.ShouldBeNull();
    }

    [Fact]
    public async Task Rows_with_missing_values_where_the_bundle_imputes_are_scored()
    {
        using var response = await _f.PredictAsync(Rows.WithMissing);

        response.StatusCode.ShouldBe(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Rows_with_unseen_categories_are_scored_and_the_unseen_values_are_reported_with_the_prediction()
    {
        using var response = await _f.PredictAsync(Rows.UnseenCategory);

        response.StatusCode.ShouldBe(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var findings = body.RootElement.GetProperty("findings").EnumerateArray().ToList();
        findings.Select(f => f.GetProperty("field").GetString()).ShouldBe(["native-country", "occupation", "workclass"], ignoreOrder: true);
        findings.ShouldAllBe(f => f.GetProperty("kind").GetString() == "category");
        var logged = (await ReadLogAsync()).ShouldHaveSingleItem();
        logged.FindingsJson.ShouldNotBeNull().ShouldContain("Atlantis");
    }

    [Fact]
    public async Task An_array_is_scored_row_by_row_and_each_row_is_logged_under_one_request_id()
    {
        using var response = await _f.PredictAsync($"[{Rows.Valid},{Rows.WithMissing},{Rows.UnseenCategory}]");

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        body.RootElement.GetProperty("predictions").GetArrayLength().ShouldBe(3);
        var logged = await ReadLogAsync();
        logged.Count.ShouldBe(3);
        logged.Select(r => r.RowIndex).ShouldBe([0, 1, 2]);
        logged.Select(r => r.RequestId).Distinct().ShouldHaveSingleItem();
    }

    [Theory]
    [InlineData("\"age\":39", "\"age\":\"thirty\"", "age", "type")]
    [InlineData("\"age\":39", "\"age\":150", "age", "range")]
    [InlineData("\"age\":39", "\"age\":39,\"height\":180", "height", "unknown")]
    [InlineData("\"sex\":\"Male\"", "\"sex\":{\"value\":\"Male\"}", "sex", "nested")]
    [InlineData("\"sex\":\"Male\"", "\"sex\":\"Male\",\"sex\":\"Female\"", "sex", "duplicate")]
    [InlineData("\"education\":\"Bachelors\"", "\"education\":13", "education", "type")]
    public async Task Each_invalid_field_is_answered_400_with_problem_details_naming_it(string from, string to, string field, string kind)
    {
        var row = Rows.Valid.Replace(from, to, StringComparison.Ordinal);

        using var response = await _f.PredictAsync(row);

        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        response.Content.Headers.ContentType!.MediaType.ShouldBe("application/problem+json");
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        body.RootElement.GetProperty("status").GetInt32().ShouldBe(400);
        var errors = body.RootElement.GetProperty("errors").EnumerateArray().ToList();
        errors.ShouldContain(e => e.GetProperty("field").GetString() == field && e.GetProperty("kind").GetString() == kind);
        (await ReadLogAsync()).ShouldBeEmpty();
    }

    [Fact]
    public async Task A_missing_required_field_is_named_with_its_row_in_a_batch()
    {
        var missingAge = Rows.Valid.Replace("\"age\":39,", "", StringComparison.Ordinal);

        using var response = await _f.PredictAsync($"[{Rows.Valid},{missingAge}]");

        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var error = body.RootElement.GetProperty("errors").EnumerateArray().ShouldHaveSingleItem();
        error.GetProperty("row").GetInt32().ShouldBe(1);
        error.GetProperty("field").GetString().ShouldBe("age");
        error.GetProperty("kind").GetString().ShouldBe("missing");
    }

    [Theory]
    [InlineData("{\"age\":39,")]
    [InlineData("not json")]
    [InlineData("")]
    [InlineData("42")]
    [InlineData("[1,2]")]
    [InlineData("[]")]
    [InlineData("{} {}")]
    [InlineData("[[[[[[{}]]]]]]")]
    public async Task Malformed_bodies_are_answered_400_with_a_reason(string body)
    {
        using var response = await _f.PredictAsync(body);

        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        problem.RootElement.GetProperty("detail").GetString().ShouldNotBeNullOrWhiteSpace();
    }

    [Fact]
    public async Task A_wrong_content_type_is_answered_415()
    {
        using var response = await _f.Client.PostAsync("v1/models/adult/predict", new StringContent(Rows.Valid, Encoding.UTF8, "text/plain"));

        response.StatusCode.ShouldBe(HttpStatusCode.UnsupportedMediaType);
        (await response.Content.ReadAsStringAsync()).ShouldContain("application/json");
    }

    [Fact]
    public async Task An_unknown_model_is_answered_404_naming_the_served_one()
    {
        using var response = await _f.PredictAsync(Rows.Valid, model: "titanic");

        response.StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await response.Content.ReadAsStringAsync()).ShouldContain("/v1/models/adult/predict");
    }

    [Fact]
    public async Task An_oversized_body_is_answered_413()
    {
        var rows = string.Join(",", Enumerable.Repeat(Rows.Valid, 4000));

        using var response = await _f.PredictAsync($"[{rows}]");

        response.StatusCode.ShouldBe(HttpStatusCode.RequestEntityTooLarge);
    }

    [Fact]
    public async Task A_batch_over_the_row_limit_is_answered_413()
    {
        var rows = string.Join(",", Enumerable.Repeat("{\"age\":1}", 1001));

        using var response = await _f.PredictAsync($"[{rows}]");

        response.StatusCode.ShouldBe(HttpStatusCode.RequestEntityTooLarge);
        (await response.Content.ReadAsStringAsync()).ShouldContain("1000");
    }

    [Fact]
    public async Task Health_ready_metrics_openapi_and_the_model_description_answer()
    {
        (await _f.Client.GetAsync("health")).StatusCode.ShouldBe(HttpStatusCode.OK);
        var ready = await _f.Client.GetStringAsync("ready");
        ready.ShouldContain("\"status\":\"ready\"");
        using var openapi = JsonDocument.Parse(await _f.Client.GetStringAsync("openapi.json"));
        var predict = openapi.RootElement.GetProperty("paths").GetProperty("/v1/models/{name}/predict").GetProperty("post");
        predict.GetProperty("responses").TryGetProperty("400", out _).ShouldBeTrue();
        predict.GetProperty("responses").TryGetProperty("415", out _).ShouldBeTrue();
        openapi.RootElement.GetProperty("components").GetProperty("schemas").TryGetProperty("PredictionAnswer", out _).ShouldBeTrue();
        using var model = JsonDocument.Parse(await _f.Client.GetStringAsync("v1/models/adult"));
        model.RootElement.GetProperty("version").GetInt32().ShouldBe(1);
        (await _f.Client.GetAsync("v1/models/nope")).StatusCode.ShouldBe(HttpStatusCode.NotFound);

        (await _f.PredictAsync(Rows.Valid)).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await _f.PredictAsync("{\"age\":\"x\"}")).StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        var metrics = await _f.Client.GetStringAsync("metrics");
        metrics.ShouldContain("lockstep_requests_total{code=\"200\"} 1");
        metrics.ShouldContain("lockstep_requests_total{code=\"400\"} 1");
        metrics.ShouldContain("lockstep_validation_failures_total");
        metrics.ShouldContain("lockstep_prediction_log_backlog");
        metrics.ShouldContain("lockstep_request_duration_seconds_bucket");
        metrics.ShouldContain("lockstep_prediction_log_wait_seconds_bucket");
    }

    private async Task<List<PredictionRecord>> ReadLogAsync()
    {
        var list = new List<PredictionRecord>();
        await foreach (var r in _f.Reader.ReadAsync(new PredictionQuery(), CancellationToken.None))
        {
            list.Add(r);
        }
        return list;
    }
}
