using System.Globalization;
using Lockstep.Errors;
using Lockstep.ML.Frames;

namespace Lockstep.ML.Features;

/// <summary>
/// Fits the preprocessing on a training frame and returns it as a <see cref="PreprocessingManifest"/>.
/// Everything is computed in a fixed order (columns in file order, categories and vocabularies
/// sorted ordinally), so the same data and options always give the same manifest.
/// </summary>
public static class Featurizer
{
    public static PreprocessingManifest Fit(Frame train, FeaturizeOptions options)
    {
        var labelColumn = train[options.Label];
        var label = FitLabel(labelColumn, options);
        var include = options.Include.Count > 0 ? options.Include.ToHashSet(StringComparer.Ordinal) : null;
        var exclude = options.Exclude.ToHashSet(StringComparer.Ordinal);
        foreach (var name in options.Include.Concat(options.Exclude).Concat(options.TextColumns).Concat(options.Columns.Keys))
        {
            _ = train[name]; // an unknown column name is an error that lists the real ones
        }
        var text = options.TextColumns.ToHashSet(StringComparer.Ordinal);
        var features = new List<FeatureManifest>();
        var names = new List<string>();
        foreach (var column in train.Columns)
        {
            if (column.Name == options.Label || exclude.Contains(column.Name) || (include is not null && !include.Contains(column.Name)))
            {
                continue;
            }
            options.Columns.TryGetValue(column.Name, out var over);
            var kind = over?.Kind ?? (text.Contains(column.Name) ? "text" : column.Kind == ColumnKind.Numeric ? "numeric" : "categorical");
            FeatureManifest feature = kind switch
            {
                "ignore" => null!,
                "numeric" => FitNumeric(column, options, over, names.Count),
                "categorical" => FitCategorical(column, options, over, names.Count),
                "text" => FitText(column, options, names.Count),
                _ => throw new StepInputException($"column '{column.Name}': kind '{kind}' is not one of numeric, categorical, text, ignore"),
            };
            if (feature is null)
            {
                continue;
            }
            features.Add(feature);
            names.AddRange(SlotNames(feature));
        }
        if (names.Count == 0)
        {
            throw new StepInputException("no feature columns are left after 'include'/'exclude'; keep at least one column besides the label");
        }
        return new PreprocessingManifest { Label = label, Features = features, FeatureNames = names, FittedRows = train.RowCount };
    }

    private static LabelManifest FitLabel(FrameColumn column, FeaturizeOptions options)
    {
        if (options.Task == TaskKind.Regression)
        {
            if (column.Kind != ColumnKind.Numeric)
            {
                throw new StepInputException($"label '{column.Name}' must be numeric for regression, but it holds text (e.g. '{column.Texts!.FirstOrDefault(t => t is not null)}')");
            }
            return new LabelManifest(column.Name, "regression", null, null, null);
        }
        var classes = new SortedSet<string>(StringComparer.Ordinal);
        for (var r = 0; r < column.Length; r++)
        {
            if (LabelText(column.TextAt(r), options.LabelTrimSuffix) is { } v)
            {
                classes.Add(v);
            }
        }
        if (options.Task == TaskKind.Binary)
        {
            if (classes.Count != 2)
            {
                throw new StepInputException($"label '{column.Name}' has {classes.Count} classes in the training data ({string.Join(", ", classes.Take(10))}); binary classification needs exactly 2 (set 'label_trim' if some end with a stray character)");
            }
            var positive = options.PositiveClass ?? classes.Max!;
            if (!classes.Contains(positive))
            {
                throw new StepInputException($"positive_class '{positive}' is not a value of label '{column.Name}'; it has {string.Join(", ", classes)}");
            }
            return new LabelManifest(column.Name, "binary", classes.ToList(), positive, options.LabelTrimSuffix);
        }
        if (classes.Count < 2)
        {
            throw new StepInputException($"label '{column.Name}' has only {classes.Count} class in the training data; multiclass needs at least 2");
        }
        return new LabelManifest(column.Name, "multiclass", classes.ToList(), null, options.LabelTrimSuffix);
    }

    /// <summary>A label value with the configured suffix characters removed; null when missing.</summary>
    public static string? LabelText(string? value, string? trimSuffix)
    {
        if (value is null)
        {
            return null;
        }
        var v = string.IsNullOrEmpty(trimSuffix) ? value : value.TrimEnd(trimSuffix.ToCharArray());
        return v.Length == 0 ? null : v;
    }

    private static FeatureManifest FitNumeric(FrameColumn column, FeaturizeOptions options, ColumnOverride? over, int offset)
    {
        var values = new List<double>(column.Length);
        var hasMissing = false;
        for (var r = 0; r < column.Length; r++)
        {
            var v = NumberAt(column, r);
            if (double.IsNaN(v))
            {
                hasMissing = true;
            }
            else
            {
                values.Add(v);
            }
        }
        var impute = over?.Impute ?? options.NumericImpute;
        values.Sort();
        double fill = values.Count == 0 ? 0 : impute switch
        {
            "mean" => Mean(values),
            "median" => values.Count % 2 == 1 ? values[values.Count / 2] : (values[values.Count / 2 - 1] + values[values.Count / 2]) / 2,
            "most_frequent" => MostFrequent(values),
            "constant" => over?.Value ?? 0,
            _ => throw new StepInputException($"column '{column.Name}': impute '{impute}' is not one of mean, median, most_frequent, constant"),
        };
        var scale = over?.Scale ?? options.Scale;
        double scaleOffset = 0, factor = 1;
        if (values.Count > 0)
        {
            switch (scale)
            {
                case "none":
                    break;
                case "minmax":
                    scaleOffset = values[0];
                    factor = values[^1] > values[0] ? 1 / (values[^1] - values[0]) : 1;
                    break;
                case "standard":
                    scaleOffset = Mean(values);
                    var variance = values.Sum(v => (v - scaleOffset) * (v - scaleOffset)) / values.Count;
                    factor = variance > 0 ? 1 / Math.Sqrt(variance) : 1;
                    break;
                default:
                    throw new StepInputException($"column '{column.Name}': scale '{scale}' is not one of none, minmax, standard");
            }
        }
        var indicator = (over?.Indicator ?? options.MissingIndicator) && hasMissing;
        return new FeatureManifest
        {
            Column = column.Name,
            Kind = "numeric",
            Offset = offset,
            Width = indicator ? 2 : 1,
            Impute = impute,
            ImputeValue = fill,
            MissingIndicator = indicator,
            Scale = scale,
            ScaleOffset = scaleOffset,
            ScaleFactor = factor,
        };
    }

    private static FeatureManifest FitCategorical(FrameColumn column, FeaturizeOptions options, ColumnOverride? over, int offset)
    {
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var r = 0; r < column.Length; r++)
        {
            if (column.TextAt(r) is { } v)
            {
                System.Runtime.InteropServices.CollectionsMarshal.GetValueRefOrAddDefault(counts, v, out _)++;
            }
        }
        var ranked = counts.OrderByDescending(p => p.Value).ThenBy(p => p.Key, StringComparer.Ordinal).ToList();
        var kept = ranked.Where(p => p.Value >= options.MinCategoryCount).Take(options.MaxCategories).Select(p => p.Key).ToHashSet(StringComparer.Ordinal);
        var categories = kept.Order(StringComparer.Ordinal).ToList();
        var folded = counts.Keys.Where(k => !kept.Contains(k)).Order(StringComparer.Ordinal).ToList();
        var impute = over?.Impute ?? options.CategoricalImpute;
        string? imputeCategory = impute switch
        {
            "bucket" => null,
            "most_frequent" => ranked.Count > 0 ? ranked[0].Key : null,
            "constant" => over?.Category ?? throw new StepInputException($"column '{column.Name}': impute 'constant' needs 'category: VALUE'"),
            _ => throw new StepInputException($"column '{column.Name}': impute '{impute}' is not one of bucket, most_frequent, constant"),
        };
        var encoding = over?.Encoding ?? options.CategoricalEncoding;
        if (encoding is not ("onehot" or "key"))
        {
            throw new StepInputException($"column '{column.Name}': encoding '{encoding}' is not one of onehot, key");
        }
        return new FeatureManifest
        {
            Column = column.Name,
            Kind = "categorical",
            Offset = offset,
            Width = encoding == "key" ? 1 : categories.Count + 2,
            Impute = impute,
            ImputeCategory = imputeCategory,
            Encoding = encoding,
            Categories = categories,
            FoldedRare = folded,
        };
    }

    private static FeatureManifest FitText(FrameColumn column, FeaturizeOptions options, int offset)
    {
        var documentFrequency = new Dictionary<string, int>(StringComparer.Ordinal);
        var grams = new Dictionary<string, int>(StringComparer.Ordinal);
        var documents = 0;
        for (var r = 0; r < column.Length; r++)
        {
            grams.Clear();
            TextGrams.Collect(column.TextAt(r) ?? "", options.WordNgrams, options.CharNgrams, grams);
            documents++;
            foreach (var gram in grams.Keys)
            {
                System.Runtime.InteropServices.CollectionsMarshal.GetValueRefOrAddDefault(documentFrequency, gram, out _)++;
            }
        }
        var vocabulary = documentFrequency
            .Where(p => p.Value >= options.MinDocumentFrequency)
            .OrderByDescending(p => p.Value).ThenBy(p => p.Key, StringComparer.Ordinal)
            .Take(options.MaxVocabulary)
            .Select(p => p.Key)
            .Order(StringComparer.Ordinal)
            .ToList();
        var idf = vocabulary.Select(g => Math.Log((1.0 + documents) / (1.0 + documentFrequency[g])) + 1).ToList();
        return new FeatureManifest
        {
            Column = column.Name,
            Kind = "text",
            Offset = offset,
            Width = vocabulary.Count,
            WordNgrams = options.WordNgrams,
            CharNgrams = options.CharNgrams,
            Vocabulary = vocabulary,
            Idf = idf,
        };
    }

    private static IEnumerable<string> SlotNames(FeatureManifest f) => f.Kind switch
    {
        "numeric" => f.MissingIndicator ? [f.Column, f.Column + ".missing"] : [f.Column],
        "categorical" when f.Encoding == "key" => [f.Column],
        "categorical" => f.Categories!.Select(c => $"{f.Column}={c}").Append(f.Column + "=<missing>").Append(f.Column + "=<unknown>"),
        _ => f.Vocabulary!.Select(g => $"{f.Column}[{g}]"),
    };

    private static double NumberAt(FrameColumn column, int row) =>
        column.Numbers is { } n ? n[row]
        : column.Texts![row] is { } s && double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) ? d
        : double.NaN;

    private static double Mean(List<double> values)
    {
        var sum = 0.0;
        foreach (var v in values)
        {
            sum += v;
        }
        return sum / values.Count;
    }

    private static double MostFrequent(List<double> sorted)
    {
        double best = sorted[0], current = sorted[0];
        int bestCount = 0, count = 0;
        foreach (var v in sorted)
        {
            count = v == current ? count + 1 : 1;
            current = v;
            if (count > bestCount)
            {
                best = v;
                bestCount = count;
            }
        }
        return best;
    }
}
