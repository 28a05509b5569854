namespace Lockstep.ML.Frames;

/// <summary>How a column's values are held: numbers (NaN means missing) or text (null means missing).</summary>
public enum ColumnKind
{
    Numeric,
    Text,
}
