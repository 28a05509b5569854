using Lockstep.Data.Tables;

namespace Lockstep.ML.Frames;

/// <summary>
/// Converts between the data layer's typed <see cref="Table"/> (a snapshot in memory) and the ML
/// steps' <see cref="Frame"/>: integers and doubles become numbers (null → NaN), text stays text,
/// booleans become the texts "true"/"false" (a two-category feature).
/// </summary>
public static class TableFrames
{
    public static Frame ToFrame(Table table)
    {
        var columns = new List<FrameColumn>(table.Columns.Count);
        foreach (var column in table.Columns)
        {
            switch (column.Type)
            {
                case ColumnType.Int64:
                    {
                        var source = column.Int64Values.Span;
                        var values = new double[source.Length];
                        for (var i = 0; i < values.Length; i++)
                        {
                            values[i] = source[i] is { } v ? v : double.NaN;
                        }
                        columns.Add(FrameColumn.Numeric(column.Name, values));
                        break;
                    }
                case ColumnType.Double:
                    {
                        var source = column.DoubleValues.Span;
                        var values = new double[source.Length];
                        for (var i = 0; i < values.Length; i++)
                        {
                            values[i] = source[i] ?? double.NaN;
                        }
                        columns.Add(FrameColumn.Numeric(column.Name, values));
                        break;
                    }
                case ColumnType.Boolean:
                    columns.Add(FrameColumn.Text(column.Name, column.BooleanValues.ToArray().Select(b => b is null ? null : b.Value ? "true" : "false").ToArray()));
                    break;
                default:
                    columns.Add(FrameColumn.Text(column.Name, column.StringValues.ToArray()));
                    break;
            }
        }
        return new Frame(columns);
    }

    public static Table ToTable(Frame frame) => new(frame.Columns.Select(c => c.Numbers is { } n
        ? Column.FromDouble(c.Name, n.Select(v => double.IsNaN(v) ? (double?)null : v))
        : Column.FromString(c.Name, c.Texts!)).ToArray());
}
