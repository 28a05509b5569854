using System.Diagnostics.Tracing;

namespace Lockstep.Diagnostics;

/// <summary>
/// With <c>LOCKSTEP_TRACE_JIT=1</c>, prints every method the JIT compiles to stderr: what a
/// ReadyToRun build still compiles at start-up (generic code over other assemblies' types,
/// hardware-intrinsic code, tier-1 re-compilation of hot methods). A diagnostic, off by default.
/// </summary>
internal sealed class JitTrace : EventListener
{
    private const EventKeywords JitKeyword = (EventKeywords)0x10;

    protected override void OnEventSourceCreated(EventSource eventSource)
    {
        if (eventSource.Name == "Microsoft-Windows-DotNETRuntime")
        {
            EnableEvents(eventSource, EventLevel.Verbose, JitKeyword);
        }
    }

    protected override void OnEventWritten(EventWrittenEventArgs eventData)
    {
        if (eventData.EventName == "MethodJittingStarted_V1" && eventData.Payload is { Count: >= 6 } p)
        {
            Console.Error.WriteLine($"[jit] {p[4]}::{p[5]}");
        }
    }
}
