namespace LegalBot.Knowledge.Text;

/// <summary>
/// Splits normalised text into index terms: Chinese runs become overlapping character n-grams
/// (unigrams and bigrams by default), Latin/digit runs become words. No dictionary is needed, so
/// statute vocabulary the tokenizer has never seen (新型 terms, names of places) still matches.
/// Chosen by measurement, see README "Retrieval quality".
/// </summary>
public sealed class Tokenizer
{
    public static Tokenizer Default { get; } = new(maxGram: 2);

    public Tokenizer(int maxGram)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxGram, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(maxGram, 4);
        MaxGram = maxGram;
    }

    public int MaxGram { get; }

    /// <summary>Tokenizes already-normalised text (see <see cref="TextNormalizer"/>).</summary>
    public List<string> Tokenize(string normalized)
    {
        var terms = new List<string>(normalized.Length * MaxGram);
        var span = normalized.AsSpan();
        var i = 0;
        while (i < span.Length)
        {
            var c = span[i];
            if (TextNormalizer.IsCjk(c))
            {
                var start = i;
                while (i < span.Length && TextNormalizer.IsCjk(span[i])) i++;
                AddGrams(terms, normalized, start, i - start);
            }
            else if (char.IsLetterOrDigit(c))
            {
                var start = i;
                while (i < span.Length && char.IsLetterOrDigit(span[i]) && !TextNormalizer.IsCjk(span[i])) i++;
                terms.Add(normalized.Substring(start, i - start));
            }
            else
            {
                i++;
            }
        }
        return terms;
    }

    /// <summary>Normalises then tokenizes.</summary>
    public List<string> Analyze(string raw) => Tokenize(TextNormalizer.Normalize(raw));

    private void AddGrams(List<string> terms, string s, int start, int length)
    {
        for (var n = 1; n <= MaxGram; n++)
            for (var k = start; k + n <= start + length; k++)
                terms.Add(s.Substring(k, n));
    }
}
