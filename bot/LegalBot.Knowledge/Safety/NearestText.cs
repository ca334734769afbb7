namespace LegalBot.Knowledge.Safety;

/// <summary>
/// How close a message is to the nearest of a set of texts, as the Dice overlap of their distinct character bigrams
/// (0 nothing shared, 1 the same bigrams). An inverted index keeps a look-up to the texts sharing a bigram. Pure: no I/O.
/// </summary>
public sealed class NearestText
{
    private readonly Dictionary<int, List<int>> _postings = [];
    private readonly List<int> _sizes = [];

    public NearestText(IEnumerable<string> texts)
    {
        foreach (var text in texts)
        {
            var grams = Bigrams(text);
            if (grams.Count == 0) continue;
            var id = _sizes.Count;
            _sizes.Add(grams.Count);
            foreach (var g in grams)
            {
                if (!_postings.TryGetValue(g, out var list)) _postings[g] = list = [];
                list.Add(id);
            }
        }
    }

    public int Count => _sizes.Count;

    /// <summary>The highest overlap with any of the texts.</summary>
    public double Similarity(string message)
    {
        var grams = Bigrams(message);
        if (grams.Count == 0) return 0;
        var shared = new Dictionary<int, int>();
        foreach (var g in grams)
            if (_postings.TryGetValue(g, out var list))
                foreach (var id in list) shared[id] = shared.GetValueOrDefault(id) + 1;
        var best = 0.0;
        foreach (var (id, n) in shared) best = Math.Max(best, 2.0 * n / (grams.Count + _sizes[id]));
        return best;
    }

    private static HashSet<int> Bigrams(string text)
    {
        var grams = new HashSet<int>();
        for (var i = 0; i + 1 < text.Length; i++)
            if (char.IsLetterOrDigit(text[i]) && char.IsLetterOrDigit(text[i + 1])) grams.Add(text[i] << 16 | text[i + 1]);
        return grams;
    }
}
