using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Lockstep.Errors;
using Lockstep.Pipelines;
using Lockstep.Steps;

namespace Lockstep.Examples.PluginStep;

/// <summary>
/// <c>word-count</c>: counts the words of a text file and writes the most frequent ones as a
/// tab-separated table (<c>word	count</c>), most frequent first, ties in ordinal order, so the
/// same text always gives the same bytes. Lockstep keys its cache on the content hash of this
/// assembly: rebuild it with different code and the step runs again, with no version to bump.
/// </summary>
public sealed class WordCountStep : IStepType
{
    public StepSignature Signature { get; } = new()
    {
        Type = "word-count",
        Description = "Counts the words of a text file and writes the most frequent ones as a TSV table.",
        Inputs = [new InputSpec("text", Required: true, "a UTF-8 text file")],
        Outputs = [new OutputSpec("counts", "word<TAB>count, most frequent first")],
        Parameters =
        [
            ParameterSpec.Opt("min_length", ParameterKind.Integer, JsonValue.Create(1), "ignore words shorter than this"),
            ParameterSpec.Opt("top", ParameterKind.Integer, JsonValue.Create(20), "how many words to write"),
            ParameterSpec.Opt("lowercase", ParameterKind.Boolean, JsonValue.Create(true), "count 'The' and 'the' as one word"),
        ],
    };

    public IEnumerable<PipelineProblem> Validate(StepDeclaration step, StepParameters parameters)
    {
        if (parameters.GetInt64OrNull("top") is <= 0)
        {
            yield return new PipelineProblem(parameters.LocationOf("top"), $"step '{step.Id}': 'top' must be at least 1");
        }
    }

    public async Task ExecuteAsync(StepContext context, CancellationToken cancellationToken)
    {
        var minLength = context.Parameters.GetInt64OrNull("min_length") ?? 1;
        var top = context.Parameters.GetInt64OrNull("top") ?? 20;
        var lowercase = context.Parameters.GetBooleanOrNull("lowercase") ?? true;
        var input = context.Input("text");

        var counts = new Dictionary<string, long>(StringComparer.Ordinal);
        long total = 0;
        var lineNumber = 0;
        using (var reader = new StreamReader(input.Path, new UTF8Encoding(false, throwOnInvalidBytes: true)))
        {
            try
            {
                while (await reader.ReadLineAsync(cancellationToken).ConfigureAwait(false) is { } line)
                {
                    lineNumber++;
                    foreach (var word in Words(line, lowercase))
                    {
                        if (word.Length < minLength)
                        {
                            continue;
                        }
                        counts[word] = counts.GetValueOrDefault(word) + 1;
                        total++;
                    }
                }
            }
            catch (DecoderFallbackException)
            {
                throw new StepInputException($"{input.Source}:{lineNumber + 1}: the text is not valid UTF-8; convert it (e.g. iconv -t UTF-8) and run again");
            }
        }

        var table = new StringBuilder("word\tcount\n");
        foreach (var (word, count) in counts.OrderByDescending(p => p.Value).ThenBy(p => p.Key, StringComparer.Ordinal).Take((int)Math.Min(top, int.MaxValue)))
        {
            table.Append(word).Append('\t').Append(count.ToString(CultureInfo.InvariantCulture)).Append('\n');
        }
        await File.WriteAllTextAsync(context.OutputPath("counts"), table.ToString(), new UTF8Encoding(false), cancellationToken).ConfigureAwait(false);
        context.SetMetric("words", total);
        context.SetMetric("distinct_words", counts.Count);
        context.Log.WriteLine($"{total} words, {counts.Count} distinct, in {lineNumber} lines");
    }

    private static IEnumerable<string> Words(string line, bool lowercase)
    {
        var start = -1;
        for (var i = 0; i <= line.Length; i++)
        {
            var inWord = i < line.Length && (char.IsLetterOrDigit(line[i]) || line[i] == '\'');
            if (inWord && start < 0)
            {
                start = i;
            }
            else if (!inWord && start >= 0)
            {
                var word = line[start..i].Trim('\'');
                if (word.Length > 0)
                {
                    yield return lowercase ? word.ToLowerInvariant() : word;
                }
                start = -1;
            }
        }
    }
}
