using System.Text.Json.Nodes;
using Lockstep.Errors;
using Lockstep.ML.Features;
using Lockstep.ML.Training;
using Lockstep.Steps;

namespace Lockstep.ML.Steps;

/// <summary>The parameters the train and tune steps share: the label, the task, the preprocessing and the trainer.</summary>
internal static class TrainingParameters
{
    public static IReadOnlyList<ParameterSpec> Specs { get; } =
    [
        ParameterSpec.Req("label", ParameterKind.String, "the column to predict"),
        ParameterSpec.Opt("task", ParameterKind.String, "binary", "binary, multiclass or regression") with { Choices = ["binary", "multiclass", "regression"] },
        ParameterSpec.Opt("positive_class", ParameterKind.String, null, "binary: the label value the probability is about (default: the last in sorted order)"),
        ParameterSpec.Opt("label_trim", ParameterKind.String, null, "characters removed from the end of label values, e.g. '.' for adult.test"),
        ParameterSpec.Opt("trainer", ParameterKind.String, "lightgbm", "lightgbm, fasttree, sdca or lbfgs") with { Choices = ["lightgbm", "fasttree", "sdca", "lbfgs"] },
        ParameterSpec.Opt("hyperparameters", ParameterKind.Map, null, "iterations, leaves, learning_rate, min_leaf, max_bins, l1, l2"),
        ParameterSpec.Opt("include", ParameterKind.StringList, null, "use only these columns as features"),
        ParameterSpec.Opt("exclude", ParameterKind.StringList, null, "columns not to use as features"),
        ParameterSpec.Opt("text_columns", ParameterKind.StringList, null, "columns of free text (TF-IDF n-grams)"),
        ParameterSpec.Opt("numeric_impute", ParameterKind.String, "median", "mean, median, most_frequent or constant") with { Choices = ["mean", "median", "most_frequent", "constant"] },
        ParameterSpec.Opt("missing_indicator", ParameterKind.Boolean, true, "add a 0/1 slot for numeric columns that had missing values"),
        ParameterSpec.Opt("scale", ParameterKind.String, "none", "none, minmax or standard") with { Choices = ["none", "minmax", "standard"] },
        ParameterSpec.Opt("encoding", ParameterKind.String, "onehot", "categorical encoding: onehot or key") with { Choices = ["onehot", "key"] },
        ParameterSpec.Opt("categorical_impute", ParameterKind.String, "bucket", "bucket (a missing bucket), most_frequent or constant") with { Choices = ["bucket", "most_frequent", "constant"] },
        ParameterSpec.Opt("min_category_count", ParameterKind.Integer, 1L, "categories seen fewer times fold into the unknown bucket"),
        ParameterSpec.Opt("max_categories", ParameterKind.Integer, 1000L, "keep at most this many categories per column (most frequent)"),
        ParameterSpec.Opt("word_ngrams", ParameterKind.Integer, 2L, "text: word n-grams up to this length"),
        ParameterSpec.Opt("char_ngrams", ParameterKind.Integer, 0L, "text: character n-grams of this length (0: none)"),
        ParameterSpec.Opt("max_vocabulary", ParameterKind.Integer, 5000L, "text: keep the most frequent n-grams"),
        ParameterSpec.Opt("min_df", ParameterKind.Integer, 2L, "text: drop n-grams in fewer documents"),
        ParameterSpec.Opt("columns", ParameterKind.Map, null, "per-column overrides: COLUMN: {kind, impute, value, category, indicator, scale, encoding}"),
        ParameterSpec.Opt("seed", ParameterKind.Integer, null, "override the step's derived seed"),
        StepData.CsvParameter,
    ];

    public static FeaturizeOptions Featurize(StepParameters p) => new()
    {
        Label = p.GetString("label"),
        Task = Enum.Parse<TaskKind>(p.GetStringOrNull("task") ?? "binary", ignoreCase: true),
        PositiveClass = p.GetStringOrNull("positive_class"),
        LabelTrimSuffix = p.GetStringOrNull("label_trim"),
        Include = p.GetStringList("include"),
        Exclude = p.GetStringList("exclude"),
        TextColumns = p.GetStringList("text_columns"),
        NumericImpute = p.GetStringOrNull("numeric_impute") ?? "median",
        MissingIndicator = p.GetBooleanOrNull("missing_indicator") ?? true,
        Scale = p.GetStringOrNull("scale") ?? "none",
        CategoricalEncoding = p.GetStringOrNull("encoding") ?? "onehot",
        CategoricalImpute = p.GetStringOrNull("categorical_impute") ?? "bucket",
        MinCategoryCount = (int)(p.GetInt64OrNull("min_category_count") ?? 1),
        MaxCategories = (int)(p.GetInt64OrNull("max_categories") ?? 1000),
        WordNgrams = (int)(p.GetInt64OrNull("word_ngrams") ?? 2),
        CharNgrams = (int)(p.GetInt64OrNull("char_ngrams") ?? 0),
        MaxVocabulary = (int)(p.GetInt64OrNull("max_vocabulary") ?? 5000),
        MinDocumentFrequency = (int)(p.GetInt64OrNull("min_df") ?? 2),
        Columns = Overrides(p.GetMap("columns")),
    };

    public static TrainerSpec Trainer(StepParameters p, JsonObject? tuned = null)
    {
        var values = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var source in new[] { p.GetMap("hyperparameters"), tuned })
        {
            foreach (var (name, node) in source ?? [])
            {
                values[name] = JsonNumbers.TryGet(node, out var d) ? d
                    : throw new StepInputException($"{p.LocationOf("hyperparameters")}: hyperparameter '{name}' must be a number, not {node?.ToJsonString() ?? "null"}");
            }
        }
        return new TrainerSpec(p.GetStringOrNull("trainer") ?? "lightgbm", values).Validated();
    }

    private static Dictionary<string, ColumnOverride> Overrides(JsonObject? map)
    {
        var result = new Dictionary<string, ColumnOverride>(StringComparer.Ordinal);
        foreach (var (column, node) in map ?? [])
        {
            if (node is not JsonObject o)
            {
                throw new StepInputException($"columns.{column} must be a mapping, e.g. {{kind: categorical}}");
            }
            foreach (var key in o.Select(k => k.Key))
            {
                if (key is not ("kind" or "impute" or "value" or "category" or "indicator" or "scale" or "encoding"))
                {
                    throw new StepInputException($"columns.{column}.{key} is unknown; use kind, impute, value, category, indicator, scale, encoding");
                }
            }
            result[column] = new ColumnOverride(
                o["kind"]?.ToString(), o["impute"]?.ToString(), JsonNumbers.Get(o["value"]), o["category"]?.ToString(), JsonNumbers.GetBool(o["indicator"]), o["scale"]?.ToString(), o["encoding"]?.ToString());
        }
        return result;
    }
}
