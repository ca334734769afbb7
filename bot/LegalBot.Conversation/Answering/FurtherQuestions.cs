using LegalBot.Knowledge.Documents;
using LegalBot.Knowledge.Index;
using LegalBot.Knowledge.Search;

namespace LegalBot.Conversation.Answering;

/// <summary>
/// A message that asks several questions about different problems gets the best matter for each further question
/// too, after the main answer ("您还问到：…"). Each question is searched with the story around the questions as context (its
/// words alone, "房子能分一半吗", lack the story), and only a confident matter other than those already given, resting on
/// another governing article, is added: a second answer that repeats the first, or guesses, is worse than none.
/// </summary>
public static class FurtherQuestions
{
    public const int MaxFurther = 3;

    public static async Task<IReadOnlyList<(string Question, ChunkHit Matter, double Confidence)>> FindAsync(KnowledgeRetriever retriever, string text, ChunkHit main,
        SearchFilter filter, double threshold, CancellationToken cancellationToken)
    {
        var parts = QuestionParts.Of(text);
        if (parts.Count == 0 || main.Document.Kind != DocumentKind.Matter) return [];
        // The story around the questions is their context; the other questions are not (they would pull back to the main answer).
        var story = parts.Aggregate(text, (t, p) => t.Replace(p, "，", StringComparison.Ordinal)).Trim('，', ' ');
        var context = story.Length > 0 ? story : null;
        var given = new List<ChunkHit> { main };
        var further = new List<(string, ChunkHit, double)>();
        foreach (var part in parts)
        {
            if (further.Count >= MaxFurther) break;
            var result = await retriever.SearchAsync(part, new RetrievalOptions(3, filter, context), cancellationToken).ConfigureAwait(false);
            if (result.Best is not { } best || best.Document.Kind != DocumentKind.Matter || result.Confidence < threshold) continue;
            if (given.Exists(g => g.Document.Id == best.Document.Id || Clarification.SharesArticle(g, best))) continue;
            given.Add(best);
            further.Add((part, best, result.Confidence));
        }
        return further;
    }
}
