namespace Lockstep.Errors;

/// <summary>One problem found in a pipeline definition, with where it is and what to write instead.</summary>
public sealed record PipelineProblem(SourceLocation? Location, string Message)
{
    public override string ToString() => Location is null ? Message : $"{Location}: {Message}";
}

/// <summary>The pipeline definition is invalid; carries every problem found, not just the first.</summary>
public sealed class PipelineException : LockstepException
{
    public PipelineException(IReadOnlyList<PipelineProblem> problems)
        : base(Format(problems)) => Problems = problems;

    public PipelineException(SourceLocation? location, string message)
        : this([new PipelineProblem(location, message)]) { }

    public IReadOnlyList<PipelineProblem> Problems { get; }

    public override int ExitCode => 2;

    private static string Format(IReadOnlyList<PipelineProblem> problems) =>
        problems.Count == 1
            ? problems[0].ToString()
            : $"the pipeline has {problems.Count} problems:\n" + string.Join("\n", problems.Select(p => "  " + p));
}
