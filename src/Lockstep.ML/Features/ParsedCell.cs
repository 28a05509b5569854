using System.Runtime.InteropServices;

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
/// <see cref="Category"/> is the text's position in the column's category list when a check
/// before the encoder already looked it up there (−1: not looked up), so that
/// <see cref="RowEncoder"/> does not hash the same cell a second time.
/// </summary>
// Auto layout: the runtime packs the byte kind after the ints (24 bytes, not 32).
[StructLayout(LayoutKind.Auto)]
public record struct ParsedCell(CellKind Kind, double Number, int Start, int Length)
{
    /// <summary>The text's position in the list <see cref="RowEncoder"/> was given for this cell's column (see <see cref="FeatureTransformer.CreateRowEncoder(IReadOnlyList{string?}, IReadOnlyList{IReadOnlyList{string}?})"/>), or −1.</summary>
    public int Category { get; set; } = -1;
}
