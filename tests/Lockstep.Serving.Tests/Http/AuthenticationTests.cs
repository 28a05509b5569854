using System.Net;
using Lockstep.Errors;
using Lockstep.Serving.Http;
using Lockstep.Serving.Logging;
using Lockstep.Serving.Scoring;
using Lockstep.Serving.Tests.Support;
using Shouldly;
using Xunit;

namespace Lockstep.Serving.Tests.Http;

public sealed class AuthenticationTests
{
    [Fact]
    public async Task With_api_keys_a_request_without_a_valid_key_is_answered_401_and_one_with_a_key_is_scored()
    {
        await using var f = await ServerFixture.StartAsync(new ServerOptions { ApiKeys = ["k-one", "k-two"] });

        (await f.PredictAsync(Rows.Valid)).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        using var wrong = new HttpRequestMessage(HttpMethod.Post, "v1/models/adult/predict") { Content = ServerFixture.Json(Rows.Valid) };
        wrong.Headers.Add("X-Api-Key", "k-three");
        (await f.Client.SendAsync(wrong)).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        using var right = new HttpRequestMessage(HttpMethod.Post, "v1/models/adult/predict") { Content = ServerFixture.Json(Rows.Valid) };
        right.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", "k-two");
        (await f.Client.SendAsync(right)).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await f.Client.GetAsync("health")).StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    [Fact]
    public async Task The_server_refuses_a_non_loopback_bind_without_api_keys()
    {
        var root = Path.Combine(Path.GetTempPath(), "lockstep-auth-" + Guid.NewGuid().ToString("N"));
        await using var store = await Lockstep.Stores.Sqlite.EmbeddedStore.OpenAsync(root, true, CancellationToken.None);
        await using var log = PredictionLog.Open(store.Database.Path);

        var error = await Should.ThrowAsync<LockstepException>(() => ModelServer.StartAsync(
            new ServerOptions { Host = "0.0.0.0", Port = 0 }, new BundleFileSource("unused.lsb", "adult", Lockstep.ML.Bundles.BundleLoadOptions.Strict), log, TimeProvider.System, CancellationToken.None));

        error.Message.ShouldContain("--allow-unauthenticated");
    }
}
