using Lockstep.Hashing;

namespace Lockstep.Running;

/// <summary>How to run a plan.</summary>
public sealed record RunOptions
{
    /// <summary>Re-run every step, ignoring the cache.</summary>
    public bool ForceAll { get; init; }

    /// <summary>Re-run these steps even when cached (their dependents re-run only if their outputs change).</summary>
    public IReadOnlySet<string> ForceSteps { get; init; } = new HashSet<string>();

    public int MaxParallelism { get; init; } = Math.Max(1, Environment.ProcessorCount);

    public TimeProvider Time { get; init; } = TimeProvider.System;

    public IRunObserver? Observer { get; init; }

    /// <summary>"run", or "reproduce".</summary>
    public string Kind { get; init; } = "run";

    public string? Reproduces { get; init; }

    /// <summary>
    /// The workspace's source revision, already being captured (<see cref="RunEnvironment.CaptureSourceAsync"/>
    /// started early so git runs while the pipeline loads); null: the runner captures it itself.
    /// </summary>
    public Task<System.Text.Json.Nodes.JsonObject>? Source { get; init; }

    /// <summary>
    /// Wait for git, the early hashes and the steps by blocking the calling thread instead of
    /// awaiting them. For a caller on a thread of its own with nothing else to do (the CLI's main
    /// thread), never a pool thread (blocking one can starve the steps of threads) nor one with a
    /// synchronization context. It saves the JIT work of suspending: the runner's state-machine box
    /// is generic framework code over its struct that the precompiled image lacks, 8 methods
    /// compiled in every cached run (bench/core/RESULTS-core.md, session 7). Outcomes, failures and
    /// cancellation are the same either way.
    /// </summary>
    public bool WaitOnCallingThread { get; init; }

    /// <summary>
    /// Never execute a step: a step that is not a verified cache hit (or is forced) stops the run as
    /// interrupted, with <see cref="RunResult.HandedBack"/> set. The resident process uses it after
    /// <see cref="Runner.CheckFullyCachedAsync"/>, so a file changed between the check and the run
    /// can never make it run a step itself (docs/resident.md).
    /// </summary>
    public bool CachedOnly { get; init; }

    /// <summary>
    /// What <see cref="Runner.CheckFullyCachedAsync"/> found just before this run: the run takes its
    /// external files' hashes and its verified outputs from it instead of reading them again.
    /// </summary>
    public CachedPlanCheck? Checked { get; init; }

    /// <summary>Recorded objects to use instead of reading external files, keyed by "step/input" (reproduce).</summary>
    public IReadOnlyDictionary<string, ContentHash>? RecordedExternalInputs { get; init; }
}
