using LegalBot.Knowledge.Index;
using LegalBot.Knowledge.Safety;
using LegalBot.Knowledge.Search;

namespace LegalBot.Conversation.Answering;

/// <summary>
/// The legal help shown after an emergency reply must be about that emergency ("他又在打我，我躲在厕所里" → a protection
/// order, not school bullying that shares 躲在厕所). The citizen's words are also searched together with the detected
/// categories' legal questions. What was asked answers if its first <see cref="FitDepth"/> documents share one with
/// that joint search's (the citizen's own problem, within the emergency's topic); else the joint search answers.
/// </summary>
public static class EmergencyLegalHelp
{
    /// <summary>How many first documents of each search are compared.</summary>
    public const int FitDepth = 5;

    private const int SearchDepth = 10;

    /// <param name="asked">The citizen's words searched alone.</param>
    /// <returns>The retrieval to answer from, or null when no legal help fits (the emergency reply stands alone).</returns>
    public static async Task<RetrievalResult?> ChooseAsync(KnowledgeRetriever retriever, string question, RetrievalResult asked, IReadOnlyList<CrisisCategory> categories,
        SearchFilter filter, double threshold, CancellationToken cancellationToken)
    {
        var confident = asked.Confidence >= threshold;
        var legal = categories.Select(c => c.LegalQuestion).OfType<string>().Distinct(StringComparer.Ordinal).ToList();
        if (legal.Count == 0) return confident ? asked : null;
        // One text, not the question with context: at a follow-up's lower context weight a stray shared phrase still outweighs the emergency's topic.
        var joint = await retriever.SearchAsync(string.Join('\n', [question, .. legal]), new RetrievalOptions(SearchDepth, filter), cancellationToken).ConfigureAwait(false);
        if (confident && First(asked).Overlaps(First(joint))) return asked;
        return joint.Confidence >= threshold ? joint : confident ? asked : null;
    }

    private static HashSet<string> First(RetrievalResult result) =>
        result.Hits.Select(h => h.Document.Id).Distinct(StringComparer.Ordinal).Take(FitDepth).ToHashSet(StringComparer.Ordinal);
}
