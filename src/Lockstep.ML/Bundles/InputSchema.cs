namespace Lockstep.ML.Bundles;

/// <summary>The input the model expects (schema.json): the feature columns in order, and the label column it was trained on.</summary>
public sealed record InputSchema(IReadOnlyList<InputColumn> Columns, string Label, int TrainingRows)
{
    public static InputSchema FromFrame(Frames.Frame frame, Features.PreprocessingManifest manifest)
    {
        var columns = new List<InputColumn>();
        foreach (var feature in manifest.Features)
        {
            var column = frame[feature.Column];
            var missing = 0;
            double? min = null, max = null;
            var distinct = new HashSet<string>(StringComparer.Ordinal);
            for (var r = 0; r < column.Length; r++)
            {
                if (column.IsMissing(r))
                {
                    missing++;
                }
                else if (column.Numbers is { } n)
                {
                    min = min is null ? n[r] : Math.Min(min.Value, n[r]);
                    max = max is null ? n[r] : Math.Max(max.Value, n[r]);
                }
                else if (distinct.Count <= 10_000)
                {
                    distinct.Add(column.Texts![r]!);
                }
            }
            columns.Add(new InputColumn(
                column.Name,
                column.Kind == Frames.ColumnKind.Numeric ? "number" : "text",
                missing > 0,
                frame.RowCount == 0 ? 0 : Math.Round((double)missing / frame.RowCount, 6),
                min,
                max,
                column.Kind == Frames.ColumnKind.Text ? distinct.Count : null));
        }
        return new InputSchema(columns, manifest.Label.Column, frame.RowCount);
    }
}
