using System.Collections.Concurrent;
using System.Net;
using System.Text.Json;
using Lockstep.Serving.Logging;
using Lockstep.Serving.Tests.Support;
using Shouldly;
using Xunit;

namespace Lockstep.Serving.Tests.Http;

public sealed class AliasSwapTests
{
    [Fact]
    public async Task Moving_the_alias_under_load_swaps_the_model_with_zero_failed_requests_and_the_log_shows_the_switch()
    {
        await using var f = await ServerFixture.StartAsync();
        var statuses = new ConcurrentBag<HttpStatusCode>();
        var versions = new ConcurrentBag<int>();
        using var stop = new CancellationTokenSource();
        var load = Enumerable.Range(0, 8).Select(worker => Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                using var response = await f.PredictAsync(Rows.Valid);
                statuses.Add(response.StatusCode);
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
                    versions.Add(body.RootElement.GetProperty("version").GetInt32());
                }
            }
        })).ToArray();
        while (statuses.Count < 300)
        {
            await Task.Delay(10);
        }

        await f.Store.Models.MoveAliasAsync("adult", "production", 2, "tests", "better model", CancellationToken.None);
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (!versions.Contains(2) && DateTime.UtcNow < deadline)
        {
            await Task.Delay(10);
        }
        var after = statuses.Count;
        while (statuses.Count < after + 300)
        {
            await Task.Delay(10);
        }
        await stop.CancelAsync();
        await Task.WhenAll(load);

        statuses.ShouldAllBe(s => s == HttpStatusCode.OK);
        versions.ShouldContain(1);
        versions.ShouldContain(2);
        var logged = new List<PredictionRecord>();
        await foreach (var r in f.Reader.ReadAsync(new PredictionQuery(Model: "adult"), CancellationToken.None))
        {
            logged.Add(r);
        }
        logged.Count.ShouldBe(statuses.Count);
        // Once version 2 answers, version 1 never does again: one clean switch in the log.
        var firstV2 = logged.FindIndex(r => r.Version == 2);
        firstV2.ShouldBeGreaterThan(0);
        logged.Skip(firstV2).Count(r => r.Version == 1).ShouldBeLessThanOrEqualTo(8, "only requests already in flight at the swap may still be answered by version 1");
        logged.Where(r => r.Version == 2).Select(r => r.BundleHash).Distinct().ShouldHaveSingleItem().ShouldBe(Lockstep.Hashing.ContentHasher.HashBytes(TestBundles.V2).Hex);
    }

    [Fact]
    public async Task An_alias_moved_to_a_tampered_bundle_is_refused_and_the_old_model_keeps_serving()
    {
        await using var f = await ServerFixture.StartAsync();
        var tampered = await ServerFixture.RegisterAsync(f.Store, TestBundles.Tampered());

        await f.Store.Models.MoveAliasAsync("adult", "production", tampered.Version, "tests", "try a tampered bundle", CancellationToken.None);
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (f.Server.Holder.LastRefusal is null && DateTime.UtcNow < deadline)
        {
            await Task.Delay(20);
        }

        f.Server.Holder.LastRefusal.ShouldNotBeNull().ShouldContain("metrics.json");
        var ready = await f.Client.GetStringAsync("ready");
        ready.ShouldContain("refused");
        using var response = await f.PredictAsync(Rows.Valid);
        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        body.RootElement.GetProperty("version").GetInt32().ShouldBe(1);
        (await f.Client.GetStringAsync("metrics")).ShouldContain("lockstep_model_swaps_total{outcome=\"refused\"} 1");
    }
}
