using System.Runtime.CompilerServices;
using LegalBot.Knowledge.Index;
using LegalBot.Knowledge.Text;

namespace LegalBot.Knowledge.Search;

/// <summary>
/// How well a chunk covers the question: the share of the question's content bigrams (after scaffolding is
/// removed) found in the chunk's title, headings and text — directly, or through a synonym rule whose
/// colloquial phrase holds the bigram and whose legal term the chunk contains (老板 → 用人单位).
/// Bigrams found in no candidate at all (cross-word junk such as 须和) are left out, unless a synonym rule knows them. Used to re-rank the top
/// candidates (BM25 has no coordination factor) and, with a minimum of evidence, as answer confidence.
/// </summary>
public static class QueryCoverage
{
    /// <summary>A question must show at least this much evidence to be answered confidently: one matching word is not enough.</summary>
    public const int MinimumEvidence = 3;

    private static readonly ConditionalWeakTable<Documents.KnowledgeChunk, string> Haystacks = [];

    /// <summary>The question bigrams that occur in at least one candidate (the rest cannot be evidence for anything).</summary>
    public static HashSet<string> Attested(AnalyzedQuery query, IEnumerable<ChunkHit> candidates)
    {
        var bigrams = Bigrams(query.Core);
        var attested = new HashSet<string>(StringComparer.Ordinal);
        foreach (var hit in candidates)
        {
            var haystack = Haystack(hit);
            foreach (var b in bigrams)
                if (!attested.Contains(b) && haystack.Contains(b, StringComparison.Ordinal)) attested.Add(b);
            if (attested.Count == bigrams.Count) break;
        }
        return attested;
    }

    /// <param name="attested">Bigrams to count (see <see cref="Attested"/>); null counts every question bigram.</param>
    /// <param name="minimumEvidence">Floor of the denominator: with 3, a single matching word gives at most 1/3.</param>
    public static double Of(AnalyzedQuery query, ChunkHit? hit, IReadOnlySet<string>? attested = null, int minimumEvidence = 1)
    {
        if (hit is null) return 0;
        var core = Bigrams(query.Core);
        var bigrams = new HashSet<string>(core, StringComparer.Ordinal);
        if (attested is not null)
        {
            bigrams.IntersectWith(attested);
            // Colloquial words a synonym rule knows (没钱 → 经济困难) are real words even though no statute uses them.
            bigrams.UnionWith(query.Rules.SelectMany(r => Bigrams(r.Phrase)).Where(core.Contains));
        }
        var haystack = Haystack(hit);
        // Only rules about the question's content count: question-form rules (哪些 → 下列, 去哪里 → 机关) are not evidence.
        var bridged = query.Rules
            .Where(r => Bigrams(r.Phrase).Overlaps(core))
            .Where(r => r.Terms.Any(t => haystack.Contains(t.Replace(" ", "", StringComparison.Ordinal), StringComparison.Ordinal)))
            .Select(r => r.Phrase.Replace(" ", "", StringComparison.Ordinal))
            .ToList();
        var found = bigrams.Count(b => haystack.Contains(b, StringComparison.Ordinal) || bridged.Exists(p => p.Contains(b, StringComparison.Ordinal)));
        // Each colloquial phrase that maps onto the chunk's legal wording is one more piece of evidence.
        var total = bigrams.Count + bridged.Count;
        found += bridged.Count;
        if (total == 0) return 0;
        return (double)found / Math.Max(total, minimumEvidence);
    }

    /// <summary>The distinct Chinese bigrams of a normalised text (no bigram spans a space).</summary>
    public static HashSet<string> Bigrams(string normalized)
    {
        var set = new HashSet<string>(StringComparer.Ordinal);
        foreach (var term in Tokenizer.Default.Tokenize(normalized))
            if (term.Length == 2 && TextNormalizer.IsCjk(term[0])) set.Add(term);
        return set;
    }

    // Chunks are immutable and shared by index snapshots, so their normalised text is computed once.
    private static string Haystack(ChunkHit hit) =>
        Haystacks.GetValue(hit.Chunk, _ =>
            TextNormalizer.Normalize(hit.Document.Title + " " + string.Join(' ', hit.Chunk.HeadingPath) + " " + hit.Chunk.Text)
                .Replace(" ", "", StringComparison.Ordinal));
}
