using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using Lockstep.Errors;
using Lockstep.Hashing;
using Lockstep.Planning;
using Lockstep.Steps;
using Lockstep.Storage;

namespace Lockstep.Running;

/// <summary>
/// Executes a plan against a store. External inputs are hashed and stored before any step runs;
/// each step's cache key is computed from its code, parameters, input hashes, environment and
/// seed; a cached step is reused only after its outputs are re-verified; independent steps run in
/// parallel; every step's record and cache entry is written in one transaction, so a process killed
/// at any point leaves a consistent store and the next run reuses whatever had completed.
/// </summary>
public sealed partial class Runner
{
    private const int MaxLogChars = 1 << 20;

    private readonly IStore _store;
    private readonly StepTypeRegistry _registry;

    public Runner(IStore store, StepTypeRegistry registry)
    {
        _store = store;
        _registry = registry;
    }

    public async Task<RunResult> RunAsync(ExecutionPlan plan, RunOptions options, CancellationToken cancellationToken)
    {
        var time = options.Time;
        // Work that needs neither the store nor git runs on the second core while this thread
        // marks interrupted runs, takes the lock and writes the run record: the external files'
        // hashes and what the environment record reads from disk. The hashes are still awaited
        // before any step starts, and a file that cannot be read fails the run where it did
        // before, with the same message (bench/core/RESULTS-core.md, session 6).
        var loaded = AppDomain.CurrentDomain.GetAssemblies();
        var hashing = options.Checked is { } check ? Task.FromResult(check.ExternalHashes)
            : options.RecordedExternalInputs is null ? HashExternalFilesAsync(plan, cancellationToken) : null;
        // Awaited below; if opening the run fails first, nobody awaits it, so its failure (only a
        // cancellation: unreadable files are results, not faults) is marked observed here.
        hashing?.ContinueWith(static t => _ = t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        await _store.Metadata.MarkInterruptedRunsAsync(RunEnvironment.Host(), IsAlive, time.GetUtcNow(), cancellationToken).ConfigureAwait(false);
        await using var storeLock = await _store.AcquireLockAsync("store", shared: true, cancellationToken).ConfigureAwait(false);
        Diagnostics.PhaseTrace.Mark("runner: interrupted runs marked, store lock taken");

        var capturing = options.Source ?? RunEnvironment.CaptureSourceAsync(plan.WorkspaceRoot, cancellationToken);
        var source = Blocks(options) ? capturing.GetAwaiter().GetResult() : await capturing.ConfigureAwait(false);
        var seedGenerated = plan.Pipeline.Seed is null;
        var seed = plan.Pipeline.Seed ?? RunEnvironment.NewSeed();
        var resolved = plan.Pipeline with { Seed = seed };
        var run = new RunRecord
        {
            Id = NewRunId(time),
            Pipeline = plan.Pipeline.Name,
            Kind = options.Kind,
            Reproduces = options.Reproduces,
            Status = RunStatus.Running,
            StartedAt = time.GetUtcNow(),
            User = RunEnvironment.User(),
            Host = RunEnvironment.Host(),
            ProcessId = Environment.ProcessId,
            Seed = seed,
            SeedGenerated = seedGenerated,
            WorkspacePath = plan.WorkspaceRoot,
            ConfigJson = resolved.ToCanonicalJson(),
            EnvironmentJson = CanonicalJson.Serialize(RunEnvironment.Capture(loaded)),
            SourceJson = CanonicalJson.Serialize(source),
        };
        Diagnostics.PhaseTrace.Mark("runner: environment and source (git) captured");
        await _store.Metadata.CreateRunAsync(run, cancellationToken).ConfigureAwait(false);
        Diagnostics.PhaseTrace.Mark("runner: run record created");
        options.Observer?.RunStarted(run.Id, plan);

        var results = new Dictionary<string, Task<StepRunRecord>>(StringComparer.Ordinal);
        var records = new List<StepRunRecord>();
        RunStatus status;
        string? error = null;
        var handedBack = false;
        try
        {
            var hashed = hashing is null ? null : Blocks(options) ? hashing.GetAwaiter().GetResult() : await hashing.ConfigureAwait(false);
            var external = await StoreExternalInputsAsync(plan, options, hashed, cancellationToken).ConfigureAwait(false);
            Diagnostics.PhaseTrace.Mark("runner: external inputs hashed");
            using var slots = new SemaphoreSlim(options.MaxParallelism);
            foreach (var step in plan.Steps)
            {
                var dependencies = step.DependsOn.Select(d => results[d]).ToArray();
                // A step starts once its dependencies are done (it still awaits them, so their
                // failures reach it as before), rather than starting at once and suspending on
                // them: a suspended RunStepAsync boxes its state machine, generic code over our
                // struct that the precompiled image lacks (≈ 8 methods JIT-compiled per run).
                results[step.Id] = dependencies.Length == 0
                    ? Task.Run(() => RunStepAsync(run, step, dependencies, external, seed, slots, options, cancellationToken), cancellationToken)
                    : Task.WhenAll(dependencies).ContinueWith(
                        _ => RunStepAsync(run, step, dependencies, external, seed, slots, options, cancellationToken),
                        cancellationToken, TaskContinuationOptions.DenyChildAttach, TaskScheduler.Default).Unwrap();
            }
            foreach (var step in plan.Steps)
            {
                var stepTask = results[step.Id];
                records.Add(Blocks(options) ? stepTask.GetAwaiter().GetResult() : await stepTask.ConfigureAwait(false));
            }
            Diagnostics.PhaseTrace.Mark("runner: every step finished or reused");
            var failed = records.Where(r => r.Status == StepStatus.Failed).ToList();
            status = failed.Count == 0 ? RunStatus.Succeeded : RunStatus.Failed;
            error = failed.Count == 0 ? null : string.Join("\n", failed.Select(f => f.Error));
        }
        catch (OperationCanceledException)
        {
            status = RunStatus.Interrupted;
            error = "the run was cancelled";
            await _store.Metadata.FinishRunAsync(run.Id, status, time.GetUtcNow(), error, CancellationToken.None).ConfigureAwait(false);
            throw;
        }
        catch (NotCachedException e)
        {
            // Only with RunOptions.CachedOnly: nothing was executed, and the caller runs it again.
            status = RunStatus.Interrupted;
            error = e.Message;
            handedBack = true;
        }
        catch (LockstepException e)
        {
            status = RunStatus.Failed;
            error = e.Message;
        }
        var finished = time.GetUtcNow();
        await _store.Metadata.FinishRunAsync(run.Id, status, finished, error, CancellationToken.None).ConfigureAwait(false);
        return new RunResult(run with { Status = status, FinishedAt = finished, Error = error }, records, plan) { HandedBack = handedBack };
    }

    /// <summary>
    /// Whether to wait by blocking (<see cref="RunOptions.WaitOnCallingThread"/>): only while still
    /// on the caller's own thread — once an earlier await has really suspended, the method goes on
    /// on a pool thread, and there it awaits.
    /// </summary>
    private static bool Blocks(RunOptions options) => options.WaitOnCallingThread && !Thread.CurrentThread.IsThreadPoolThread;

    private async Task<StepRunRecord> RunStepAsync(
        RunRecord run,
        PlannedStep step,
        Task<StepRunRecord>[] dependencies,
        Dictionary<string, (ContentHash Hash, long Size)> external,
        long runSeed,
        SemaphoreSlim slots,
        RunOptions options,
        CancellationToken cancellationToken)
    {
        var upstream = new Dictionary<string, StepRunRecord>(StringComparer.Ordinal);
        foreach (var dependency in dependencies)
        {
            var record = await dependency.ConfigureAwait(false);
            upstream[record.StepId] = record;
        }
        var signature = step.Type.Signature;
        var started = options.Time.GetUtcNow();
        var (parametersJson, seed, code) = Identity(step, runSeed);

        StepRunRecord Skipped(string why) => new()
        {
            RunId = run.Id,
            StepId = step.Id,
            Type = signature.Type,
            Status = StepStatus.Skipped,
            Cached = false,
            CacheKey = "",
            CacheReason = why,
            KeyJson = "{}",
            CodeIdentity = code,
            StartedAt = started,
            FinishedAt = started,
            ParametersJson = CanonicalJson.Serialize(parametersJson),
            Seed = seed,
            Error = null,
        };

        var blocked = upstream.Values.Where(u => u.Status is StepStatus.Failed or StepStatus.Skipped).Select(u => u.StepId).ToList();
        if (blocked.Count > 0)
        {
            var skipped = Skipped($"not run: it depends on {string.Join(", ", blocked.Select(b => $"'{b}'"))}, which did not succeed");
            await _store.Metadata.RecordStepAsync(skipped, null, CancellationToken.None).ConfigureAwait(false);
            options.Observer?.StepFinished(skipped);
            return skipped;
        }

        var inputs = BindInputs(step, id => upstream[id].Outputs, external);
        var key = await KeyAsync(step, code, parametersJson, inputs, seed, cancellationToken).ConfigureAwait(false);
        var keyJson = CanonicalJson.Serialize(key.Document);
        var forced = options.ForceAll || options.ForceSteps.Contains(step.Id);

        await slots.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            string reason;
            if (forced)
            {
                if (options.CachedOnly)
                {
                    throw new NotCachedException(step.Id, "forced (--force)");
                }
                reason = options.Kind == "reproduce" ? "re-executed to reproduce the run" : "forced (--force)";
            }
            else
            {
                var (hit, why) = await TryCacheAsync(run, step, key, keyJson, code, inputs, parametersJson, seed, started, options, cancellationToken).ConfigureAwait(false);
                if (hit is not null)
                {
                    return hit;
                }
                if (options.CachedOnly)
                {
                    throw new NotCachedException(step.Id, why);
                }
                // Another process may be computing the same thing: wait for it, then look again.
                await using (await _store.AcquireLockAsync("step-" + key.Key, shared: false, cancellationToken).ConfigureAwait(false))
                {
                    (hit, _) = await TryCacheAsync(run, step, key, keyJson, code, inputs, parametersJson, seed, started, options, cancellationToken).ConfigureAwait(false);
                    if (hit is not null)
                    {
                        return hit;
                    }
                    return await ExecuteAsync(run, step, key, keyJson, code, inputs, parametersJson, seed, started, why, options, cancellationToken).ConfigureAwait(false);
                }
            }
            await using (await _store.AcquireLockAsync("step-" + key.Key, shared: false, cancellationToken).ConfigureAwait(false))
            {
                return await ExecuteAsync(run, step, key, keyJson, code, inputs, parametersJson, seed, started, reason, options, cancellationToken).ConfigureAwait(false);
            }
        }
        finally
        {
            slots.Release();
        }
    }

    private async Task<(StepRunRecord? Hit, string Reason)> TryCacheAsync(
        RunRecord run, PlannedStep step, CacheKey key, string keyJson, string code, List<ArtifactBinding> inputs,
        JsonObject parametersJson, long seed, DateTimeOffset started, RunOptions options, CancellationToken cancellationToken)
    {
        var entry = await _store.Metadata.FindCacheEntryAsync(key.Key, cancellationToken).ConfigureAwait(false);
        if (entry is null)
        {
            return (null, await ExplainMissAsync(run, step, key, cancellationToken).ConfigureAwait(false));
        }
        foreach (var output in entry.Outputs)
        {
            if (options.Checked?.VerifiedOutputs.Contains(output.Hash) == true)
            {
                // Hashed whole by the check this run was started after (RunOptions.Checked).
                continue;
            }
            var health = await _store.Objects.CheckAsync(output.Hash, cancellationToken).ConfigureAwait(false);
            if (health.State != ObjectState.Ok)
            {
                return (null, $"cached output '{output.Name}' ({output.Hash.Short}) is {health.State.ToString().ToLowerInvariant()} in the store; running again");
            }
        }
        var record = new StepRunRecord
        {
            RunId = run.Id,
            StepId = step.Id,
            Type = step.Type.Signature.Type,
            Status = StepStatus.Succeeded,
            Cached = true,
            CacheKey = key.Key,
            CacheReason = $"cached: same code, parameters, inputs and environment as run {entry.RunId}",
            KeyJson = keyJson,
            CodeIdentity = code,
            StartedAt = started,
            FinishedAt = options.Time.GetUtcNow(),
            DurationMs = (options.Time.GetUtcNow() - started).TotalMilliseconds,
            ParametersJson = CanonicalJson.Serialize(parametersJson),
            Seed = seed,
            Inputs = inputs,
            Outputs = entry.Outputs,
            Metrics = entry.Metrics,
            Log = $"reused the outputs of run {entry.RunId}\n",
        };
        await _store.Metadata.RecordStepAsync(record, null, cancellationToken).ConfigureAwait(false);
        options.Observer?.StepFinished(record);
        return (record, record.CacheReason);
    }

    private async Task<string> ExplainMissAsync(RunRecord run, PlannedStep step, CacheKey key, CancellationToken cancellationToken)
    {
        var previous = await _store.Metadata.FindPreviousStepRunAsync(run.Pipeline, step.Id, run.Id, cancellationToken).ConfigureAwait(false);
        if (previous is null)
        {
            return "first run of this step";
        }
        if (JsonNode.Parse(previous.KeyJson) is not JsonObject before)
        {
            return "no usable earlier record";
        }
        var reasons = CacheKey.Explain(before, key.Document);
        return reasons.Count == 0
            ? $"the outputs recorded by run {previous.RunId} are no longer in the cache"
            : string.Join("; ", reasons);
    }

    private async Task<StepRunRecord> ExecuteAsync(
        RunRecord run, PlannedStep step, CacheKey key, string keyJson, string code, List<ArtifactBinding> inputs,
        JsonObject parametersJson, long seed, DateTimeOffset started, string reason, RunOptions options, CancellationToken cancellationToken)
    {
        var signature = step.Type.Signature;
        options.Observer?.StepStarted(step.Id);
        var scratch = _store.Objects.CreateScratchDirectory($"{run.Id}-{step.Id}");
        var log = new StringWriter(CultureInfo.InvariantCulture);
        var syncLog = TextWriter.Synchronized(log);
        var clock = Stopwatch.StartNew();
        StepContext? context = null;
        string? error = null;
        List<ArtifactBinding> outputs = [];
        try
        {
            var stepInputs = new Dictionary<string, StepInput>(StringComparer.Ordinal);
            foreach (var input in inputs)
            {
                var path = await GetInputPathAsync(step, input, cancellationToken).ConfigureAwait(false);
                stepInputs[input.Name] = new StepInput(input.Name, path, input.Hash, input.Size, input.Source ?? "");
            }
            var outputDir = Path.Combine(scratch, "out");
            var work = Path.Combine(scratch, "work");
            Directory.CreateDirectory(outputDir);
            Directory.CreateDirectory(work);
            var outputPaths = step.Outputs.ToDictionary(o => o, o => Path.Combine(outputDir, o), StringComparer.Ordinal);
            var progress = options.Observer is { } observer ? new Progress<double>(f => observer.StepProgress(step.Id, f)) : null;
            context = new StepContext(run.Id, step.Id, signature, step.Parameters, stepInputs, outputPaths, seed,
                run.WorkspacePath, work, _store, options.Time, syncLog, progress);
            try
            {
                await step.Type.ExecuteAsync(context, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                throw;
            }
            catch (LockstepException e)
            {
                throw new StepFailedException(step.Id, signature.Type, e.Message, e);
            }
            catch (Exception e)
            {
                syncLog.WriteLine(e.ToString());
                throw new StepFailedException(step.Id, signature.Type, $"{e.GetType().Name}: {e.Message} (the full stack trace is in the step's log: lockstep runs show {run.Id} --log {step.Id})", e);
            }
            foreach (var name in step.Outputs)
            {
                var path = outputPaths[name];
                if (!File.Exists(path))
                {
                    throw new StepFailedException(step.Id, signature.Type, $"the step finished without writing its output '{name}'");
                }
                var stored = await _store.Objects.PutOwnedFileAsync(path, cancellationToken).ConfigureAwait(false);
                outputs.Add(new ArtifactBinding(name, stored.Hash, stored.Size, null));
            }
        }
        catch (StepFailedException e)
        {
            error = e.Message;
            syncLog.WriteLine("error: " + e.Message);
            outputs = await KeepFailedOutputsAsync(step, scratch, outputs, syncLog).ConfigureAwait(false);
        }
        catch (LockstepException e)
        {
            error = new StepFailedException(step.Id, signature.Type, e.Message, e).Message;
            syncLog.WriteLine("error: " + e.Message);
            outputs = await KeepFailedOutputsAsync(step, scratch, outputs, syncLog).ConfigureAwait(false);
        }
        finally
        {
            TryDeleteDirectory(scratch);
        }
        clock.Stop();
        var text = log.ToString();
        if (text.Length > MaxLogChars)
        {
            text = text[..(MaxLogChars / 2)] + "\n… (log cut) …\n" + text[^(MaxLogChars / 2)..];
        }
        var metrics = context?.Metrics.ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal) ?? [];
        var record = new StepRunRecord
        {
            RunId = run.Id,
            StepId = step.Id,
            Type = signature.Type,
            Status = error is null ? StepStatus.Succeeded : StepStatus.Failed,
            Cached = false,
            CacheKey = key.Key,
            CacheReason = reason,
            KeyJson = keyJson,
            CodeIdentity = code,
            StartedAt = started,
            FinishedAt = options.Time.GetUtcNow(),
            DurationMs = clock.Elapsed.TotalMilliseconds,
            ParametersJson = CanonicalJson.Serialize(parametersJson),
            Seed = seed,
            Inputs = inputs,
            Outputs = outputs,
            Metrics = metrics,
            Log = text,
            Error = error,
        };
        var entry = error is null ? new CacheEntry(key.Key, run.Id, step.Id, outputs, metrics) : null;
        await _store.Metadata.RecordStepAsync(record, entry, CancellationToken.None).ConfigureAwait(false);
        options.Observer?.StepFinished(record);
        return record;
    }

    /// <summary>Verifies an input object; a damaged copy of an external file is replaced from the file if it still has the same bytes.</summary>
    private async Task<string> GetInputPathAsync(PlannedStep step, ArtifactBinding input, CancellationToken cancellationToken)
    {
        try
        {
            return await _store.Objects.GetVerifiedPathAsync(input.Hash, cancellationToken).ConfigureAwait(false);
        }
        catch (CorruptObjectException) when (step.Inputs.FirstOrDefault(i => i.Name == input.Name) is ExternalFileSource file && File.Exists(file.FullPath))
        {
            var stored = await _store.Objects.PutFileAsync(file.FullPath, cancellationToken).ConfigureAwait(false);
            if (stored.Hash != input.Hash)
            {
                // The file no longer has the recorded bytes (edited since the recorded run, or
                // during this one), so it cannot repair the damaged object: say both.
                throw new StepInputException($"input '{input.Name}' ({file.Text}): the stored copy {input.Hash.Short} is corrupt, and {file.Text} no longer has the same bytes, so it cannot be repaired from it; restore {file.Text} to the recorded content (or, if it changed while this run was in progress, run again). 'lockstep verify' lists damaged objects.");
            }
            return await _store.Objects.GetVerifiedPathAsync(input.Hash, cancellationToken).ConfigureAwait(false);
        }
    }

    private static string NewRunId(TimeProvider time)
    {
        var now = time.GetUtcNow();
        // Three random bytes from a version-4 GUID (the OS's secure generator on every platform),
        // not RandomNumberGenerator: on Linux that loads and initialises OpenSSL (libssl and
        // libcrypto, ≈ 10 ms), which a fully cached run otherwise never needs.
        Span<byte> guid = stackalloc byte[16];
        Guid.NewGuid().TryWriteBytes(guid);
        var random = Convert.ToHexStringLower(guid[..3]);
        // Digits by hand, not a custom date format: the formatter's generic digit writers are
        // code the precompiled image lacks (≈ 10 methods JIT-compiled in every run).
        return string.Create(CultureInfo.InvariantCulture, $"{now.Year:D4}{now.Month:D2}{now.Day:D2}-{now.Hour:D2}{now.Minute:D2}{now.Second:D2}-{random}");
    }

    internal static bool IsAlive(int pid)
    {
        try
        {
            using var p = Process.GetProcessById(pid);
            return !p.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
        catch (InvalidOperationException)
        {
            return false;
        }
    }

    /// <summary>
    /// A failed step's outputs are never cached or fed downstream, but what it wrote before failing
    /// is often what explains the failure (validate's report of every violation). Those files are
    /// stored and listed on the failed step's record, so 'lockstep artifacts get' can show them.
    /// </summary>
    private async Task<List<ArtifactBinding>> KeepFailedOutputsAsync(PlannedStep step, string scratch, List<ArtifactBinding> stored, TextWriter log)
    {
        var kept = new List<ArtifactBinding>(stored);
        foreach (var name in step.Outputs)
        {
            var path = Path.Combine(scratch, "out", name);
            if (kept.Any(o => o.Name == name) || !File.Exists(path))
            {
                continue;
            }
            try
            {
                var put = await _store.Objects.PutOwnedFileAsync(path, CancellationToken.None).ConfigureAwait(false);
                kept.Add(new ArtifactBinding(name, put.Hash, put.Size, null));
                log.WriteLine($"kept output '{name}' ({put.Hash.Short}) written before the failure: lockstep artifacts get {step.Id}.{name} -o FILE");
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                log.WriteLine($"could not keep output '{name}': {e.Message}");
            }
        }
        return kept;
    }

    private static void TryDeleteDirectory(string path)
    {
        try
        {
            if (Directory.Exists(path))
            {
                Directory.Delete(path, recursive: true);
            }
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
