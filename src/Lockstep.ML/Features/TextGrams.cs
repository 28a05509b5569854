using System.Text;

namespace Lockstep.ML.Features;

/// <summary>
/// Splits text into the n-grams the text features count: lower-cased words (runs of letters and
/// digits) joined by a space for word n-grams ("w:free entry"), and character n-grams over the
/// lower-cased text ("c:fre"). Fitting and serving both go through here, so they agree.
/// </summary>
public static class TextGrams
{
    public static void Collect(string text, int wordNgrams, int charNgrams, Dictionary<string, int> counts)
    {
        var lower = text.ToLowerInvariant();
        if (wordNgrams > 0)
        {
            var words = Words(lower);
            var sb = new StringBuilder();
            for (var i = 0; i < words.Count; i++)
            {
                sb.Clear().Append("w:");
                for (var n = 0; n < wordNgrams && i + n < words.Count; n++)
                {
                    if (n > 0)
                    {
                        sb.Append(' ');
                    }
                    sb.Append(words[i + n]);
                    Add(counts, sb.ToString());
                }
            }
        }
        if (charNgrams > 0)
        {
            for (var i = 0; i + charNgrams <= lower.Length; i++)
            {
                Add(counts, string.Concat("c:", lower.AsSpan(i, charNgrams)));
            }
        }
    }

    private static void Add(Dictionary<string, int> counts, string gram)
    {
        System.Runtime.InteropServices.CollectionsMarshal.GetValueRefOrAddDefault(counts, gram, out _)++;
    }

    private static List<string> Words(string text)
    {
        var words = new List<string>();
        var start = -1;
        for (var i = 0; i <= text.Length; i++)
        {
            var isWord = i < text.Length && char.IsLetterOrDigit(text[i]);
            if (isWord && start < 0)
            {
                start = i;
            }
            else if (!isWord && start >= 0)
            {
                words.Add(text[start..i]);
                start = -1;
            }
        }
        return words;
    }
}
