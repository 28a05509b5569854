using Lockstep.Serving.Batch;
using Shouldly;
using Xunit;

namespace Lockstep.Serving.Tests.Batch;

public sealed class SliceSchedulerTests
{
    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(3)]
    public void Every_slice_of_every_chunk_runs_exactly_once_and_a_chunk_is_done_when_all_its_slices_are(int helpers)
    {
        var scheduler = new SliceScheduler(helpers);
        var runs = new int[50, 8];
        SliceScheduler.Work? previous = null;
        for (var chunk = 0; chunk < 50; chunk++)
        {
            var c = chunk;
            var work = scheduler.Publish(8, s =>
            {
                Thread.SpinWait(200 * (s + 1));
                Interlocked.Increment(ref runs[c, s]);
            });
            if (previous is not null)
            {
                scheduler.RunUntilDone(previous, default);
                previous.IsDone.ShouldBeTrue();
                for (var s = 0; s < 8; s++)
                {
                    Volatile.Read(ref runs[c - 1, s]).ShouldBe(1);
                }
            }
            previous = work;
        }
        scheduler.RunUntilDone(previous!, default);
        scheduler.Stop();
        foreach (var count in runs)
        {
            count.ShouldBe(1);
        }
    }

    [Fact]
    public void A_slice_that_throws_fails_its_chunk_once_the_chunks_other_slices_are_done()
    {
        var scheduler = new SliceScheduler(1);
        var finished = 0;
        var work = scheduler.Publish(6, s =>
        {
            if (s == 2)
            {
                throw new InvalidOperationException("slice 2 failed");
            }
            Interlocked.Increment(ref finished);
        });
        Should.Throw<InvalidOperationException>(() => scheduler.RunUntilDone(work, default)).Message.ShouldBe("slice 2 failed");
        finished.ShouldBe(5);
        scheduler.Stop();
    }

    [Fact]
    public void After_stop_no_helper_runs_a_slice_and_nothing_more_can_be_published()
    {
        var scheduler = new SliceScheduler(2);
        var running = 0;
        var started = new ManualResetEventSlim();
        scheduler.Publish(64, _ =>
        {
            Interlocked.Increment(ref running);
            started.Set();
            Thread.Sleep(2);
            Interlocked.Decrement(ref running);
        });
        started.Wait(TimeSpan.FromSeconds(30)).ShouldBeTrue();
        scheduler.Stop();
        Volatile.Read(ref running).ShouldBe(0);
        Should.Throw<ObjectDisposedException>(() => scheduler.Publish(1, _ => { }));
    }

    [Fact]
    public void A_cancelled_run_stops_taking_slices()
    {
        var scheduler = new SliceScheduler(0);
        using var cancel = new CancellationTokenSource();
        var ran = 0;
        var work = scheduler.Publish(10, _ =>
        {
            if (Interlocked.Increment(ref ran) == 3)
            {
                cancel.Cancel();
            }
        });
        Should.Throw<OperationCanceledException>(() => scheduler.RunUntilDone(work, cancel.Token));
        ran.ShouldBe(3);
        scheduler.Stop();
    }
}
