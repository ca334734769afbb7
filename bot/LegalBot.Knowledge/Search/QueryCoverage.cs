using System.Runtime.CompilerServices;
using LegalBot.Knowledge.Documents;
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
public static partial class QueryCoverage
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
    /// <param name="wordings">Whether a matter's ways of asking count as its text (they do for ranking; the legal text alone shows whether it is about law).</param>
    public static double Of(AnalyzedQuery query, ChunkHit? hit, IReadOnlySet<string>? attested = null, int minimumEvidence = 1, bool wordings = true)
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
        var haystack = wordings ? Haystack(hit) : LegalHaystack(hit);
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

    /// <summary>
    /// A long story's best-covered clause: citizens' long consultations carry one sentence that states the problem
    /// ("这个违约金合法吗") among many about the background. Clauses with fewer than <see cref="MinimumEvidence"/>
    /// content bigrams do not count; a short question's only clause is the question itself.
    /// </summary>
    public static double OfBestClause(AnalyzedQuery query, ChunkHit? hit, IReadOnlySet<string> attested)
    {
        if (hit is null) return 0;
        var best = 0.0;
        foreach (var clause in ClauseSplit().Split(query.Question))
        {
            var core = StopPhrases.Remove(TextNormalizer.Normalize(clause));
            var bigrams = Bigrams(core);
            bigrams.IntersectWith(attested);
            if (bigrams.Count < MinimumEvidence + 1) continue;
            var partial = query with { Core = core, Rules = query.Rules.Where(r => core.Contains(r.Phrase, StringComparison.Ordinal)).ToList() };
            best = Math.Max(best, Of(partial, hit, attested, MinimumEvidence + 1));
        }
        return best;
    }

    /// <summary>Bigram Dice coefficient between the question and the closest of a chunk's question wordings (0–1).</summary>
    public static double BestVariantMatch(IReadOnlySet<string> questionBigrams, ChunkHit hit)
    {
        if (questionBigrams.Count == 0) return 0;
        var best = 0.0;
        var variants = VariantBigrams.GetValue(hit.Chunk, c => c.QuestionVariants.Select(v => Bigrams(StopPhrases.Remove(TextNormalizer.Normalize(v)))).ToArray());
        foreach (var variant in variants)
        {
            if (variant.Count == 0) continue;
            var shared = variant.Count(questionBigrams.Contains);
            best = Math.Max(best, 2.0 * shared / (variant.Count + questionBigrams.Count));
        }
        return best;
    }

    private static readonly ConditionalWeakTable<KnowledgeChunk, HashSet<string>[]> VariantBigrams = [];

    [System.Text.RegularExpressions.GeneratedRegex(@"[。？！?!；;\n，,]")]
    private static partial System.Text.RegularExpressions.Regex ClauseSplit();

    /// <summary>The distinct Chinese bigrams of a normalised text (no bigram spans a space).</summary>
    public static HashSet<string> Bigrams(string normalized)
    {
        var set = new HashSet<string>(StringComparer.Ordinal);
        foreach (var term in Tokenizer.Default.Tokenize(normalized))
            if (term.Length == 2 && TextNormalizer.IsCjk(term[0])) set.Add(term);
        return set;
    }

    // Chunks are immutable and shared by index snapshots, so their normalised text is computed once.
    private static readonly ConditionalWeakTable<Documents.KnowledgeChunk, string> LegalHaystacks = [];

    // Title, headings and text only: what lawyers wrote, without citizens' wordings.
    private static string LegalHaystack(ChunkHit hit) =>
        LegalHaystacks.GetValue(hit.Chunk, _ =>
            TextNormalizer.Normalize(hit.Document.Title + " " + string.Join(' ', hit.Chunk.HeadingPath) + " " + hit.Chunk.Text).Replace(" ", "", StringComparison.Ordinal));

    // A matter's ways of asking are evidence too: they are how citizens word what it answers.
    private static string Haystack(ChunkHit hit) =>
        Haystacks.GetValue(hit.Chunk, _ =>
            TextNormalizer.Normalize(hit.Document.Title + " " + string.Join(' ', hit.Chunk.HeadingPath) + " " + hit.Chunk.Text + " " + string.Join(' ', hit.Chunk.QuestionVariants))
                .Replace(" ", "", StringComparison.Ordinal));
}
