using LegalBot.Knowledge.Index;
using LegalBot.Knowledge.Text;

namespace LegalBot.Knowledge.Search;

/// <summary>Weights for query terms. Tuned with <c>legalbot eval</c>; see README "Retrieval quality".</summary>
/// <param name="Coverage">Weight of query coverage when re-ranking the top candidates (0 = off).</param>
/// <param name="Context">Weight of conversation context (a follow-up's previous question) relative to the question itself.</param>
/// <param name="Variant">How much a matter's single closest wording (bigram Dice with the question) lifts its score.</param>
/// <param name="Agreement">How much a matter is lifted when the statute search agrees: its governing articles rank among the candidates.</param>
public sealed record QueryWeights(float Bigram = 1.0f, float Unigram = 0.35f, float Expansion = 0.7f, float Coverage = 0.3f, float Context = 0.4f, float Variant = 0.5f,
    float Agreement = 0.15f)
{
    public static QueryWeights Default { get; } = new();
}

/// <summary>A question after normalisation, colloquial expansion and term weighting.</summary>
public sealed record AnalyzedQuery(
    string Question,
    string Normalized,
    string Core,
    IReadOnlyList<string> Expansions,
    IReadOnlyList<SynonymRule> Rules,
    ArticleLabel? Article,
    SparseQuery Sparse);

/// <summary>
/// Question → sparse query. Uses the same normaliser and tokenizer as the index; drops question scaffolding
/// (请问, 怎么办, 吗 …) so it neither matches nor splits legal phrases; adds legal terms for colloquial phrases
/// from the synonym table at a lower weight.
/// </summary>
public sealed class QueryAnalyzer(Tokenizer tokenizer, SynonymTable synonyms, QueryWeights weights)
{
    public QueryAnalyzer(SynonymTable synonyms) : this(Tokenizer.Default, synonyms, QueryWeights.Default) { }

    public Tokenizer Tokenizer { get; } = tokenizer;
    public SynonymTable Synonyms { get; } = synonyms;
    public QueryWeights Weights { get; } = weights;

    /// <param name="context">Earlier conversation a follow-up depends on: its terms join the query at
    /// <see cref="QueryWeights.Context"/>, but confidence is still judged on the question itself.</param>
    public AnalyzedQuery Analyze(string question, string? context = null)
    {
        var normalized = TextNormalizer.Normalize(TextNormalizer.WithoutIdentifiers(question));
        var rules = Synonyms.Match(normalized);
        var expansions = rules.SelectMany(r => r.Terms).Distinct(StringComparer.Ordinal).ToList();
        var core = StopPhrases.Remove(normalized);
        ArticleLabel? article = null;
        var m = ArticleLabel.LabelPattern().Match(normalized);
        if (m.Success && ArticleLabel.TryFromMatch(m, out var label)) article = label;

        var terms = new Dictionary<string, float>(StringComparer.Ordinal);
        AddTerms(terms, Tokenizer.Tokenize(core), Weights.Bigram, Weights.Unigram);
        foreach (var e in expansions)
            AddTerms(terms, Tokenizer.Tokenize(e), Weights.Bigram * Weights.Expansion, Weights.Unigram * Weights.Expansion);
        if (!string.IsNullOrWhiteSpace(context))
        {
            var c = TextNormalizer.Normalize(context);
            AddTerms(terms, Tokenizer.Tokenize(StopPhrases.Remove(c)), Weights.Bigram * Weights.Context, Weights.Unigram * Weights.Context);
            foreach (var e in Synonyms.Expand(c))
                AddTerms(terms, Tokenizer.Tokenize(e), Weights.Bigram * Weights.Expansion * Weights.Context, Weights.Unigram * Weights.Expansion * Weights.Context);
        }
        return new AnalyzedQuery(question, normalized, core, expansions, rules, article, new SparseQuery(terms));
    }

    private static void AddTerms(Dictionary<string, float> terms, List<string> tokens, float multi, float single)
    {
        foreach (var t in tokens)
        {
            var w = t.Length == 1 && TextNormalizer.IsCjk(t[0]) ? single : multi;
            if (w <= 0) continue;
            terms[t] = terms.TryGetValue(t, out var v) ? v + w : w;
        }
    }
}
