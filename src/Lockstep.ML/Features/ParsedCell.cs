namespace Lockstep.ML.Features;

/// <summary>What a cell of a delimited line holds once read: nothing (a missing-value cell), a number, or text.</summary>
public enum CellKind : byte
{
    Missing,
    Number,
    Text,
}

/// <summary>
/// One cell of a line as a batch reader classified it, without making a string of it: its kind,
/// its number (when <see cref="CellKind.Number"/>) and where its trimmed text lies in the line.
/// </summary>
public record struct ParsedCell(CellKind Kind, double Number, int Start, int Length);
