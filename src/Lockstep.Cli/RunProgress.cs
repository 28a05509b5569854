using System.Globalization;
using Lockstep.Planning;
using Lockstep.Running;
using Lockstep.Storage;
using Spectre.Console;

namespace Lockstep.Cli;

/// <summary>Prints each step as it starts and finishes (plain lines: safe for logs and pipes).</summary>
internal sealed class LineProgress(TextWriter output) : IRunObserver
{
    private readonly Lock _gate = new();

    public void RunStarted(string runId, ExecutionPlan plan)
    {
        lock (_gate)
        {
            output.WriteLine($"run {runId}: {plan.Steps.Count} step(s) of pipeline '{plan.Pipeline.Name}'");
        }
    }

    public void StepStarted(string stepId)
    {
        lock (_gate)
        {
            output.WriteLine($"  ▶ {stepId}");
        }
    }

    public void StepFinished(StepRunRecord record)
    {
        lock (_gate)
        {
            output.WriteLine($"  {Render.StatusSymbol(record)} {record.StepId} {Render.StatusWord(record)} {Render.Seconds(record.DurationMs)}");
        }
    }
}

/// <summary>A live progress display for a person at a terminal: one bar per running step.</summary>
internal sealed class BarProgress(ProgressContext context) : IRunObserver
{
    private readonly Dictionary<string, ProgressTask> _tasks = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();

    public void StepStarted(string stepId)
    {
        lock (_gate)
        {
            var task = context.AddTask(stepId, maxValue: 1.0);
            task.IsIndeterminate = true;
            _tasks[stepId] = task;
        }
    }

    public void StepProgress(string stepId, double fraction)
    {
        lock (_gate)
        {
            if (_tasks.TryGetValue(stepId, out var task))
            {
                task.IsIndeterminate = false;
                task.Value = Math.Clamp(fraction, 0, 1);
            }
        }
    }

    public void StepFinished(StepRunRecord record)
    {
        lock (_gate)
        {
            if (!_tasks.TryGetValue(record.StepId, out var task))
            {
                task = context.AddTask(record.StepId, maxValue: 1.0);
            }
            task.Description = $"{record.StepId} [grey]{Markup.Escape(Render.StatusWord(record))}[/]";
            task.IsIndeterminate = false;
            task.Value = 1.0;
            task.StopTask();
        }
    }
}

/// <summary>Shared wording for step states and numbers.</summary>
internal static class Render
{
    public static string StatusWord(StepRunRecord r) => r.Status switch
    {
        StepStatus.Succeeded when r.Cached => "cached",
        StepStatus.Succeeded => "ran",
        StepStatus.Failed => "FAILED",
        StepStatus.Skipped => "skipped",
        _ => r.Status.ToString().ToLowerInvariant(),
    };

    public static string StatusSymbol(StepRunRecord r) => r.Status switch
    {
        StepStatus.Succeeded when r.Cached => "=",
        StepStatus.Succeeded => "✓",
        StepStatus.Failed => "✗",
        _ => "-",
    };

    public static string Seconds(double ms) => (ms / 1000).ToString("0.00", CultureInfo.InvariantCulture) + "s";

    public static string Bytes(long size) => size switch
    {
        < 0 => "?",
        < 1024 => $"{size} B",
        < 1 << 20 => (size / 1024.0).ToString("0.0", CultureInfo.InvariantCulture) + " KiB",
        < 1 << 30 => (size / 1048576.0).ToString("0.0", CultureInfo.InvariantCulture) + " MiB",
        _ => (size / 1073741824.0).ToString("0.00", CultureInfo.InvariantCulture) + " GiB",
    };

    public static string Time(DateTimeOffset t) => t.ToString("yyyy-MM-dd HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    public static string Num(double d) => d.ToString("0.######", CultureInfo.InvariantCulture);
}
