using System.CommandLine;
using System.Text.Json.Nodes;
using Lockstep.Pipelines;
using Lockstep.Planning;
using Lockstep.Running;
using Lockstep.Steps;
using Lockstep.Storage;
using Spectre.Console;

namespace Lockstep.Cli.Commands;

/// <summary><c>lockstep run</c>: plan, then run the workspace's pipeline, reusing cached steps.</summary>
internal static class RunCommand
{
    public static Command Create()
    {
        var set = new Option<string[]>("--set") { Description = "Override a parameter: STEP.PARAM=VALUE, params.NAME=VALUE or seed=N (repeatable)", AllowMultipleArgumentsPerToken = false };
        var force = new Option<string[]>("--force") { Description = "Re-run steps even when cached: --force alone re-runs all, --force STEP re-runs one (repeatable)", Arity = ArgumentArity.ZeroOrMore, AllowMultipleArgumentsPerToken = false };
        var dryRun = new Option<bool>("--dry-run") { Description = "Check the pipeline and show the plan without running anything" };
        var jobs = new Option<int?>("--jobs", "-j") { Description = "How many independent steps may run at once (default: the number of cores)" };
        var command = new Command("run", "Run the workspace's pipeline: plan and validate everything first, then run each step whose code, parameters, inputs or environment changed and reuse the rest");
        command.Options.Add(set);
        command.Options.Add(force);
        command.Options.Add(dryRun);
        command.Options.Add(jobs);
        LockstepCli.SetAction(command, async (session, ct) =>
        {
            Diagnostics.PhaseTrace.Mark("command line parsed, run action started");
            var parallelism = session.Parse.GetValue(jobs) is { } j ? ArgumentsException.AtLeast("--jobs", j, 1) : Math.Max(1, Environment.ProcessorCount);
            var workspace = session.Workspace;
            // git runs while the pipeline loads and the store opens; the runner awaits it.
            var source = session.Parse.GetValue(dryRun) ? null : RunEnvironment.CaptureSourceAsync(workspace.Root, ct);
            var overrides = session.Parse.GetValue(set) ?? [];
            var resolved = await ResolvedPipelineCache.LoadAsync(workspace.PipelinePath, workspace.StorePath, overrides, ct).ConfigureAwait(false);
            Diagnostics.PhaseTrace.Mark("pipeline file read and resolved");
            var resident = Resident.ResidentContext.Current;
            if (resident is not null && (resolved.Plugins.Count > 0 || session.Parse.GetValue(dryRun)))
            {
                // Plugin assemblies load in the command's own process, never in the long-lived one.
                return resident.Decline(resolved.Plugins.Count > 0 ? "the pipeline loads plugins" : "a dry run");
            }
            StepTypeRegistry registry;
            ExecutionPlan plan;
            try
            {
                registry = CliSession.Registry(resolved, workspace.Root);
                plan = Planner.Plan(resolved, registry, workspace.Root);
            }
            catch (Errors.LockstepException)
            {
                // A cached pipeline carries no file positions: plan the parsed file, so the error
                // names the line and column (or, if the world changed, the plan simply succeeds).
                resolved = await ResolvedPipelineCache.LoadUncachedAsync(workspace.PipelinePath, overrides, ct).ConfigureAwait(false);
                registry = CliSession.Registry(resolved, workspace.Root);
                plan = Planner.Plan(resolved, registry, workspace.Root);
            }
            Diagnostics.PhaseTrace.Mark("step types registered, pipeline resolved and planned");
            foreach (var warning in plan.Warnings)
            {
                await session.Err.WriteLineAsync("warning: " + warning).ConfigureAwait(false);
            }
            if (session.Parse.GetValue(dryRun))
            {
                PrintPlan(session, plan);
                return 0;
            }
            var forceResult = session.Parse.GetResult(force);
            var forced = session.Parse.GetValue(force) ?? [];
            foreach (var id in forced.Where(f => plan.Steps.All(s => s.Id != f)))
            {
                throw new Errors.PipelineException(null, $"--force {id}: the pipeline has no step '{id}'.{Suggest.DidYouMean(id, plan.Steps.Select(s => s.Id))}");
            }
            if (!session.Json)
            {
                // The result table (or the progress display) needs the Spectre console: made on the second core meanwhile.
                session.PrepareConsole();
            }
            var store = await session.OpenStoreAsync(ct, create: true).ConfigureAwait(false);
            Diagnostics.PhaseTrace.Mark("store opened (SQLite, migrations checked)");
            var options = new RunOptions
            {
                ForceAll = forceResult is not null && forced.Length == 0,
                ForceSteps = forced.ToHashSet(StringComparer.Ordinal),
                MaxParallelism = parallelism,
                Source = source,
            };
            var runner = new Runner(store, registry);
            session.WaitForSpectre();
            RunResult result;
            if (resident is not null)
            {
                // The resident process answers only a run that executes nothing (docs/resident.md).
                // Its check hashes every input file, and a run it hands back hashes them again: past
                // MaxResidentInputBytes that second pass would cost more than the start it saves.
                if (ExternalInputBytes(plan) > MaxResidentInputBytes)
                {
                    return resident.Decline("the input files are too large to hash twice");
                }
                if (await runner.CheckFullyCachedAsync(plan, options, ct).ConfigureAwait(false) is not { } check)
                {
                    return resident.Decline("not every step is cached");
                }
                Diagnostics.PhaseTrace.Mark("resident: every step checked, all cached");
                resident.RunStarted = true;
                // At a terminal a run shows a progress display that clears itself, so only the table remains.
                var observer = session.Json || resident.TerminalWidth > 0 ? null : new LineProgress(session.Out);
                result = await runner.RunAsync(plan, options with { Observer = observer, CachedOnly = true, Checked = check }, ct).ConfigureAwait(false);
                if (result.HandedBack)
                {
                    return resident.Decline(result.Run.Error ?? "a step was no longer cached");
                }
            }
            else if (session.Interactive)
            {
                result = await RunWithProgressBarsAsync(session, runner, plan, options, ct).ConfigureAwait(false);
            }
            else
            {
                // Waited for on this thread, not awaited: the run suspends while its steps run on the
                // pool, and every async frame above it that suspends too JIT-compiles its own
                // AwaitUnsafeOnCompleted with full optimisation (framework code marked
                // AggressiveOptimization, so never precompiled): 3 methods in every cached run
                // (bench/core/RESULTS-core.md, session 6). The failures surface as they did.
                result = runner.RunAsync(plan, options with { Observer = session.Json ? null : new LineProgress(session.Out), WaitOnCallingThread = true }, ct).GetAwaiter().GetResult();
            }
            Diagnostics.PhaseTrace.Mark("run finished");
            // The runner is done with the store: it closes on the second core while the result prints.
            session.CloseStoreInBackground();
            if (session.Json)
            {
                session.WriteJson(ToJson(result));
            }
            else
            {
                PrintResult(session, result);
            }
            Diagnostics.PhaseTrace.Mark("result printed");
            if (!result.Succeeded)
            {
                await session.Err.WriteLineAsync("error: " + result.Run.Error).ConfigureAwait(false);
                return 1;
            }
            return 0;
        });
        return command;
    }

    /// <summary>The most input bytes the resident process hashes to check a run (64 MiB: ≈ 20 ms of hashing, twice).</summary>
    internal const long MaxResidentInputBytes = 64L << 20;

    /// <summary>The size of the plan's external input files, each counted once (a missing one counts nothing: the check then says no).</summary>
    internal static long ExternalInputBytes(ExecutionPlan plan)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        long total = 0;
        foreach (var step in plan.Steps)
        {
            foreach (var input in step.Inputs)
            {
                if (input is ExternalFileSource file && seen.Add(file.FullPath))
                {
                    var info = new FileInfo(file.FullPath);
                    total += info.Exists ? info.Length : 0;
                }
            }
        }
        return total;
    }

    /// <summary>
    /// The run under Spectre's progress display, for a person at a terminal. A method of its own:
    /// in the action's body, its Spectre types made every `run` load Spectre.Console on the main
    /// thread when the action started, output to a file or a pipe included.
    /// </summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    private static async Task<RunResult> RunWithProgressBarsAsync(CliSession session, Runner runner, ExecutionPlan plan, RunOptions options, CancellationToken ct)
    {
        RunResult? captured = null;
        await session.Console.Progress()
            .AutoClear(true)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn(), new SpinnerColumn())
            .StartAsync(async ctx => captured = await runner.RunAsync(plan, options with { Observer = new BarProgress(ctx) }, ct).ConfigureAwait(false))
            .ConfigureAwait(false);
        return captured!;
    }

    internal static JsonObject ToJson(RunResult result)
    {
        var steps = new JsonArray();
        foreach (var s in result.Steps)
        {
            steps.Add(StepJson(s));
        }
        return new JsonObject
        {
            ["run_id"] = result.Run.Id,
            ["pipeline"] = result.Run.Pipeline,
            ["status"] = result.Run.Status.ToString().ToLowerInvariant(),
            ["seed"] = result.Run.Seed,
            ["seed_generated"] = result.Run.SeedGenerated,
            ["started_at"] = result.Run.StartedAt,
            ["finished_at"] = result.Run.FinishedAt,
            ["error"] = result.Run.Error,
            ["steps"] = steps,
        };
    }

    internal static JsonObject StepJson(StepRunRecord s)
    {
        var outputs = new JsonObject();
        foreach (var o in s.Outputs)
        {
            outputs[o.Name] = o.Hash.Hex;
        }
        var inputs = new JsonObject();
        foreach (var i in s.Inputs)
        {
            inputs[i.Name] = new JsonObject { ["hash"] = i.Hash.Hex, ["source"] = i.Source };
        }
        var metrics = new JsonObject();
        foreach (var (k, v) in s.Metrics.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            metrics[k] = v;
        }
        return new JsonObject
        {
            ["id"] = s.StepId,
            ["type"] = s.Type,
            ["status"] = s.Status.ToString().ToLowerInvariant(),
            ["cached"] = s.Cached,
            ["reason"] = s.CacheReason,
            ["duration_ms"] = Math.Round(s.DurationMs, 3),
            ["seed"] = s.Seed,
            ["cache_key"] = s.CacheKey,
            ["code_identity"] = s.CodeIdentity,
            ["inputs"] = inputs,
            ["outputs"] = outputs,
            ["metrics"] = metrics,
            ["error"] = s.Error,
        };
    }

    private static void PrintPlan(CliSession session, ExecutionPlan plan)
    {
        var table = new Table().Border(TableBorder.Simple).AddColumns("step", "type", "after", "inputs", "outputs");
        foreach (var step in plan.Steps)
        {
            table.AddRow(
                Markup.Escape(step.Id),
                Markup.Escape(step.Type.Signature.Type),
                Markup.Escape(string.Join(", ", step.DependsOn)),
                Markup.Escape(string.Join(", ", step.Inputs.Select(i => $"{i.Name}←{i.Text}"))),
                Markup.Escape(string.Join(", ", step.Outputs)));
        }
        session.Console.Write(table);
        session.Out.WriteLine($"the plan is valid: {plan.Steps.Count} step(s); nothing was run (--dry-run)");
    }

    private static void PrintResult(CliSession session, RunResult result)
    {
        string[] headers = ["step", "status", "time", "outputs", "why"];
        var rows = new List<IReadOnlyList<string>>();
        foreach (var s in result.Steps)
        {
            var outputs = string.Join("\n", s.Outputs.Select(o => $"{o.Name} {o.Hash.Short}"));
            rows.Add([s.StepId, Render.StatusWord(s), Render.Seconds(s.DurationMs), outputs, s.Error ?? s.CacheReason]);
        }
        // The same text without Spectre's layout when the table is plain and fits (PlainTable says when).
        if (!PlainTable.TryWrite(session.Console, session.Out, headers, rows))
        {
            var table = new Table().Border(TableBorder.Simple).AddColumns(headers);
            foreach (var row in rows)
            {
                table.AddRow(Markup.Escape(row[0]), Markup.Escape(row[1]), row[2], Markup.Escape(row[3]), Markup.Escape(row[4]));
            }
            session.Console.Write(table);
        }
        var ran = result.Steps.Count(s => s.Status == StepStatus.Succeeded && !s.Cached);
        var cached = result.Steps.Count(s => s.Cached);
        var elapsed = (result.Run.FinishedAt!.Value - result.Run.StartedAt).TotalMilliseconds;
        session.Out.WriteLine($"run {result.Run.Id} {result.Run.Status.ToString().ToLowerInvariant()} in {Render.Seconds(elapsed)}: {ran} ran, {cached} cached (seed {result.Run.Seed}{(result.Run.SeedGenerated ? ", generated" : "")})");
    }
}
