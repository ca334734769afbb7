using LegalBot.Conversation.Pipeline;
using LegalBot.Conversation.Routing;
using LegalBot.Knowledge.Documents;
using LegalBot.Knowledge.Index;
using LegalBot.Knowledge.Search;
using LegalBot.Knowledge.Text;

namespace LegalBot.Conversation.Answering;

/// <summary>
/// Clarify instead of guess: when the best candidates are different matters, close in score, resting on different
/// articles, the citizen is asked which one is meant (您是想问：① … ② …), with 2–3 buttons. Matters sharing their
/// governing article answer alike, so they never make a question.
/// </summary>
public static class Clarification
{
    /// <summary>Candidates within this share of the best score count as "close".</summary>
    public const double CloseRatio = 0.97;

    /// <summary>Only a short question can be this ambiguous; a story names its problem (at most this many content bigrams).</summary>
    public const int MaxQuestionBigrams = 8;
    public const int MaxOptions = 3;

    public static IReadOnlyList<ChunkHit> Candidates(RetrievalResult result, double closeRatio = CloseRatio, int maxQuestionBigrams = MaxQuestionBigrams)
    {
        var hits = result.Hits;
        if (QueryCoverage.Bigrams(result.Query.Core).Count > maxQuestionBigrams) return [];
        if (hits.Count < 2 || hits[0].Document.Kind != DocumentKind.Matter || hits[0].Score >= double.MaxValue || result.Reranked && hits[0].Score <= 0) return [];
        var close = new List<ChunkHit> { hits[0] };
        foreach (var h in hits.Skip(1))
        {
            if (close.Count >= MaxOptions || h.Score < closeRatio * hits[0].Score) break;
            if (h.Document.Kind != DocumentKind.Matter) break;
            if (close.Exists(c => c.Document.Id == h.Document.Id || SharesArticle(c, h))) continue;
            close.Add(h);
        }
        if (close.Count < 2) return [];
        // A question one matter states word for word (its title, or one of its wordings) is that matter's, however close a rival scores.
        var question = QueryCoverage.Bigrams(result.Query.Core);
        var compact = TextNormalizer.Compact(result.Query.Question);
        bool Says(ChunkHit h) => QueryCoverage.BestVariantMatch(question, h) >= ExactWording
            || compact.Length >= MinTitleQuestion && TextNormalizer.Compact(h.Document.Title).Contains(compact, StringComparison.Ordinal);
        return Says(close[0]) && !close.Skip(1).Any(Says) ? [] : close;
    }

    /// <summary>A question this long that a matter's title contains ("怎么申请法律援助" in "怎么申请法律援助要带什么材料") is that matter's headline.</summary>
    public const int MinTitleQuestion = 5;

    /// <summary>Bigram Dice at which a matter's wording says what the citizen said.</summary>
    public const double ExactWording = 0.95;

    /// <summary>The closest rival's score as a share of the best (0 when there is none): what <see cref="Candidates"/> compares with its ratio.</summary>
    public static double RivalShare(RetrievalResult result) =>
        Candidates(result, 0, int.MaxValue) is { Count: > 1 } close ? close[1].Score / close[0].Score : 0;

    public static OutboundReply Ask(string route, IReadOnlyList<ChunkHit> choices)
    {
        var titles = choices.Select(c => c.Document.Title).ToList();
        var actions = titles.Select(t => new SuggestedAction(t, t)).ToList();
        return new OutboundReply(ReplyKind.Clarify, route, ConversationTexts.Clarify(titles), null, [], [ConversationTexts.ClarifyHint], actions, [], 1.0, null);
    }

    /// <summary>Both matters rest on the same governing (first) article: they answer alike.</summary>
    internal static bool SharesArticle(ChunkHit a, ChunkHit b) =>
        a.Chunk.ArticleReferences.Count > 0 && b.Chunk.ArticleReferences.Count > 0
        && a.Chunk.ArticleReferences[0].Law == b.Chunk.ArticleReferences[0].Law && a.Chunk.ArticleReferences[0].Article == b.Chunk.ArticleReferences[0].Article;
}

/// <summary>The citizen picked one of the matters a clarifying question offered: answer that matter.</summary>
public sealed class ClarificationPickHandler(AnswerComposer composer) : ITurnHandler
{
    public async ValueTask<bool> HandleAsync(TurnContext turn, CancellationToken cancellationToken)
    {
        if (turn.Crisis.IsEmergency || turn.State.Choices is not { Count: > 0 } choices) return false;
        var picked = choices.FirstOrDefault(c => string.Equals(c.Title, turn.Text, StringComparison.Ordinal));
        if (picked is null)
        {
            turn.State = turn.State with { Choices = null };
            return false;
        }
        var documents = await turn.Knowledge.Index.GetDocumentsAsync(cancellationToken).ConfigureAwait(false);
        var document = documents.FirstOrDefault(d => d.Id == picked.DocumentId);
        var chunk = document is null ? null : (await turn.Knowledge.Index.GetChunksAsync(document.Id, cancellationToken).ConfigureAwait(false)) is { Count: > 0 } found ? found[0] : null;
        if (document is null || chunk is null)
        {
            // Staff removed the matter meanwhile: answer the title as a question.
            turn.State = turn.State with { Choices = null };
            return false;
        }
        var route = MatterRouting.Of(document).Route;
        turn.Replies.Add(await composer.MatterAsync(turn.Message, turn.Writes, turn.Knowledge, picked.Title, new ChunkHit(chunk, document, 1.0), 1.0, null, cancellationToken)
            .ConfigureAwait(false));
        turn.State = turn.State with { Choices = null, LastQuestion = picked.Title, LastDocumentId = document.Id, LastRoute = route };
        turn.AnsweredFrom = document;
        return true;
    }
}
