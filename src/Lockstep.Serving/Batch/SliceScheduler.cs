using System.Runtime.ExceptionServices;

namespace Lockstep.Serving.Batch;

/// <summary>
/// Hands the slices of the chunks being scored to whichever thread is free: helper threads from
/// the pool (one fewer than the cores) and the run's own thread whenever it is not reading or
/// writing (<see cref="RunUntilDone"/>). Slices are taken oldest chunk first, so a chunk is done
/// as early as it can be, but a helper that finds no slice of the oldest chunk left goes on with
/// the next one. It replaces a <c>Parallel.For</c> per chunk, which cost a barrier per chunk (a
/// core idle while the other finished the chunk's last slice) and a slow start (in a trace of
/// the first chunk the run's own thread began its first slice 3.2 ms after its read ended, and
/// Parallel's first use JIT-compiled a reflection stub for its EventSource). A helper ends when no
/// slice is left and is started again by the next <see cref="Publish"/>.
/// </summary>
internal sealed class SliceScheduler
{
    private readonly object _gate = new();
    private readonly Queue<Work> _open = new();
    private readonly int _maxHelpers;
    private readonly ManualResetEventSlim _noHelpers = new(true);
    private int _helpers;
    private bool _stopped;

    /// <param name="helpers">Pool threads scoring beside the run's own thread (the cores but one).</param>
    public SliceScheduler(int helpers) => _maxHelpers = Math.Max(0, helpers);

    /// <summary>Queues a chunk's slices (each scored by <paramref name="score"/> with its index) and wakes the helpers.</summary>
    public Work Publish(int slices, Action<int> score)
    {
        var work = new Work(slices, score);
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_stopped, this);
            _open.Enqueue(work);
            while (_helpers < _maxHelpers)
            {
                _helpers++;
                _noHelpers.Reset();
                ThreadPool.UnsafeQueueUserWorkItem(static s => s.Help(), this, preferLocal: false);
            }
        }
        return work;
    }

    /// <summary>
    /// Scores open slices (of <paramref name="work"/> or a later chunk) on the calling thread
    /// until every slice of <paramref name="work"/> is done, then waits for those a helper still
    /// runs. Throws what a slice threw.
    /// </summary>
    public void RunUntilDone(Work work, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(work);
        while (!work.IsDone)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (!TryRunOne())
            {
                // Every slice is taken: at most one slice's time (≈ 1 ms) for a helper to finish.
                work.Wait();
            }
        }
        work.ThrowIfFailed();
    }

    /// <summary>No slice is taken any more; returns once no helper runs one (before the workers' buffers are released).</summary>
    public void Stop()
    {
        lock (_gate)
        {
            _stopped = true;
            _open.Clear();
        }
        _noHelpers.Wait();
    }

    private bool TryRunOne()
    {
        Work work;
        int slice;
        lock (_gate)
        {
            while (true)
            {
                if (_open.Count == 0)
                {
                    return false;
                }
                work = _open.Peek();
                slice = work.Claimed++;
                if (work.Claimed >= work.Slices)
                {
                    _open.Dequeue();
                }
                if (slice < work.Slices)
                {
                    break;
                }
            }
        }
        work.Run(slice);
        return true;
    }

    private void Help()
    {
        while (true)
        {
            while (TryRunOne())
            {
            }
            lock (_gate)
            {
                // Checked under the lock Publish takes: a chunk published after the last
                // TryRunOne is either seen here or has started a helper of its own.
                if (_open.Count > 0)
                {
                    continue;
                }
                if (--_helpers == 0)
                {
                    _noHelpers.Set();
                }
                return;
            }
        }
    }

    /// <summary>One chunk's slices: how many were taken and how many are done.</summary>
    internal sealed class Work(int slices, Action<int> score)
    {
        private readonly ManualResetEventSlim _done = new(false);
        private int _finished;
        private ExceptionDispatchInfo? _error;

        public int Slices { get; } = slices;

        /// <summary>Slices handed out so far (under the scheduler's lock).</summary>
        public int Claimed { get; set; }

        public bool IsDone => Volatile.Read(ref _finished) == Slices;

        public void Run(int slice)
        {
            try
            {
                score(slice);
            }
            catch (Exception e)
            {
                Interlocked.CompareExchange(ref _error, ExceptionDispatchInfo.Capture(e), null);
            }
            if (Interlocked.Increment(ref _finished) == Slices)
            {
                _done.Set();
            }
        }

        public void Wait() => _done.Wait();

        public void ThrowIfFailed() => _error?.Throw();
    }
}
