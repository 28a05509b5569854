namespace Lockstep.Errors;

/// <summary>A place in a text file that a message points at; line and column are 1-based.</summary>
public sealed record SourceLocation(string File, int Line, int Column)
{
    public override string ToString() => $"{File}:{Line}:{Column}";
}
