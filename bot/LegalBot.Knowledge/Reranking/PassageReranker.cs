using LegalBot.Knowledge.Index;
using LegalBot.Knowledge.Reranking.Api;

namespace LegalBot.Knowledge.Reranking;

/// <summary>
/// Second stage of retrieval: a cross-encoder re-orders the first stage's candidates. Lexical and hybrid
/// search find the right article among the top 50 for most questions but rank it too low when a citizen's
/// words differ from the statute's; a model that reads question and article together fixes the order.
/// Exact article references stay first. On failure or after the deadline the first-stage order is kept.
/// Owns the scorer (disposes it).
/// </summary>
public sealed class PassageReranker(IRelevanceScorer scorer, RerankSettings settings) : IDisposable
{
    /// <summary>Passages are clipped to this many characters (long articles say what they govern up front).</summary>
    public const int MaxPassageChars = 1000;

    private long _failures;
    private volatile string? _lastProblem;

    public RerankSettings Settings { get; } = settings;

    /// <summary>Questions whose candidates kept the first-stage order because the endpoint failed or was late.</summary>
    public long Failures => Interlocked.Read(ref _failures);

    /// <summary>The latest failure, for the status endpoint.</summary>
    public string? LastProblem => _lastProblem;

    /// <summary>
    /// The hits re-ordered by relevance (scores become relevances in [0, 1], so score ratios keep meaning),
    /// or null when they keep the first-stage order.
    /// </summary>
    public async Task<List<ChunkHit>?> RerankAsync(string query, IReadOnlyList<ChunkHit> hits, CancellationToken cancellationToken)
    {
        var pinned = hits.Where(h => h.Score == double.MaxValue).ToList();
        var ranked = hits.Where(h => h.Score != double.MaxValue).ToList();
        if (ranked.Count < 2) return null;
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(Settings.EffectiveTimeout);
        IReadOnlyList<double> scores;
        try
        {
            scores = await scorer.ScoreAsync(query, ranked.ConvertAll(Passage), deadline.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is RerankException || (ex is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            Interlocked.Increment(ref _failures);
            _lastProblem = ex is RerankException ? ex.Message : $"rerank endpoint did not answer within {Settings.EffectiveTimeout.TotalSeconds:0.#} s";
            return null;
        }
        var relevance = ToUnitInterval(scores);
        // A stable sort: ties keep the first-stage order.
        pinned.AddRange(ranked.Select((h, i) => h with { Score = relevance[i] }).OrderByDescending(h => h.Score));
        return pinned;
    }

    /// <summary>What the model reads for a chunk: where it is from (law and article, or guide and section), then its text.</summary>
    public static string Passage(ChunkHit hit)
    {
        var where = hit.Chunk.ArticleLabel is { } label
            ? $"《{hit.Document.Title}》{label}"
            : hit.Chunk.HeadingPath.Count > 0 ? $"《{hit.Document.Title}》{string.Join(" › ", hit.Chunk.HeadingPath)}" : $"《{hit.Document.Title}》";
        var text = hit.Chunk.Text.Length <= MaxPassageChars ? hit.Chunk.Text : hit.Chunk.Text[..MaxPassageChars];
        return where + "\n" + text;
    }

    public void Dispose() => (scorer as IDisposable)?.Dispose();

    /// <summary>Servers return probabilities (0–1) or raw logits; logits go through the logistic function.</summary>
    internal static double[] ToUnitInterval(IReadOnlyList<double> scores)
    {
        var unit = scores.All(s => s is >= 0 and <= 1);
        return scores.Select(s => unit ? s : 1 / (1 + Math.Exp(-s))).ToArray();
    }
}
