using LegalBot.Knowledge.Text;

namespace LegalBot.Conversation.Answering;

/// <summary>
/// Trims a long article or section to the part that matters for the question: the stem (first paragraph)
/// always, then the paragraphs and enumerated items that share the most terms with the question, each kept
/// whole and in their original order, with "……" where something was left out.
/// </summary>
public static class ExcerptSelector
{
    public const int DefaultBudget = 360;
    public const string Ellipsis = "……";

    public static string Select(string text, IReadOnlyCollection<string> queryTerms, int budget = DefaultBudget)
    {
        var lines = text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (text.Length <= budget || lines.Length <= 1) return lines.Length <= 1 && text.Length > budget * 2 ? text[..(budget * 2)] + Ellipsis : string.Join('\n', lines);

        var keep = new SortedSet<int> { 0 };
        var used = lines[0].Length;
        var ranked = Enumerable.Range(1, lines.Length - 1)
            .Select(i => (Index: i, Score: Overlap(lines[i], queryTerms)))
            .Where(x => x.Score > 0)
            .OrderByDescending(x => x.Score).ThenBy(x => x.Index);
        foreach (var (i, _) in ranked)
        {
            if (used + lines[i].Length > budget) continue;
            keep.Add(i);
            used += lines[i].Length;
        }
        // Nothing matched beyond the stem: show the first lines that fit, so enumerations are not cut bare.
        for (var i = 1; keep.Count == 1 && i < lines.Length && used + lines[i].Length <= budget; i++)
        {
            keep.Add(i);
            used += lines[i].Length;
        }
        var parts = new List<string>();
        var previous = -1;
        foreach (var i in keep)
        {
            if (i != previous + 1) parts.Add(Ellipsis);
            parts.Add(lines[i]);
            previous = i;
        }
        if (previous != lines.Length - 1) parts.Add(Ellipsis);
        return string.Join('\n', parts);
    }

    private static int Overlap(string line, IReadOnlyCollection<string> queryTerms)
    {
        var normalized = TextNormalizer.Normalize(line);
        return queryTerms.Count(t => t.Length >= 2 && normalized.Contains(t, StringComparison.Ordinal));
    }
}
