using System.Text;

namespace Lockstep.Steps;

/// <summary>
/// One <c>${inputs.NAME}</c> or <c>${outputs.NAME}</c> in a command step's text, and the scan that
/// finds them: left to right, without overlaps, by the rules of the regular expression
/// <c>\$\{(inputs|outputs)\.([A-Za-z0-9_-]+)\}</c> (a test compares the two on generated text).
/// Why not that regular expression: planning checks every command step's text, and the first match
/// in a process set up the regex matching machinery, ≈ 2–5 ms of a fully cached <c>lockstep run</c>
/// that never executes a command (bench/core/RESULTS-core.md, session 6).
/// </summary>
/// <param name="Index">Where the placeholder starts in the text.</param>
/// <param name="Length">Its length, braces included.</param>
/// <param name="Kind"><c>inputs</c> or <c>outputs</c>.</param>
/// <param name="Name">The input's or output's name.</param>
internal sealed record CommandPlaceholder(int Index, int Length, string Kind, string Name)
{
    /// <summary>Every placeholder in <paramref name="text"/>, in order.</summary>
    public static List<CommandPlaceholder> FindAll(string text)
    {
        var found = new List<CommandPlaceholder>();
        var at = 0;
        while ((at = text.IndexOf("${", at, StringComparison.Ordinal)) >= 0)
        {
            if (At(text, at) is { } placeholder)
            {
                found.Add(placeholder);
                at += placeholder.Length;
            }
            else
            {
                at++;
            }
        }
        return found;
    }

    /// <summary><paramref name="text"/> with every placeholder replaced by what <paramref name="replacement"/> gives for it.</summary>
    public static string Replace(string text, Func<CommandPlaceholder, string> replacement)
    {
        var found = FindAll(text);
        if (found.Count == 0)
        {
            return text;
        }
        var result = new StringBuilder(text.Length);
        var copied = 0;
        foreach (var placeholder in found)
        {
            result.Append(text, copied, placeholder.Index - copied).Append(replacement(placeholder));
            copied = placeholder.Index + placeholder.Length;
        }
        return result.Append(text, copied, text.Length - copied).ToString();
    }

    private static CommandPlaceholder? At(string text, int start)
    {
        var rest = text.AsSpan(start + 2);
        var kind = rest.StartsWith("inputs.", StringComparison.Ordinal) ? "inputs"
            : rest.StartsWith("outputs.", StringComparison.Ordinal) ? "outputs"
            : null;
        if (kind is null)
        {
            return null;
        }
        var nameStart = start + 2 + kind.Length + 1;
        var end = nameStart;
        while (end < text.Length && (char.IsAsciiLetterOrDigit(text[end]) || text[end] is '_' or '-'))
        {
            end++;
        }
        return end > nameStart && end < text.Length && text[end] == '}'
            ? new CommandPlaceholder(start, end + 1 - start, kind, text[nameStart..end])
            : null;
    }
}
