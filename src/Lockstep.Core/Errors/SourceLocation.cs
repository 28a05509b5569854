namespace Lockstep.Errors;

/// <summary>A place in a text file that a message points at; line and column are 1-based.</summary>
public sealed record SourceLocation(string File, int Line, int Column)
{
    /// <summary>Line 0 marks a place that is not in a file (e.g. a <c>--set</c> argument): shown by name alone.</summary>
    public override string ToString() => Line <= 0 ? File : $"{File}:{Line}:{Column}";
}
