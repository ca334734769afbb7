using LegalBot.Knowledge.Documents;
using LegalBot.Knowledge.Search;

namespace LegalBot.Conversation.Answering;

/// <summary>
/// A matter is answered only when something vouches for it: its legal text (title, headings, answer) covers part of
/// the question, or one of its wordings says nearly what the citizen said. A matter that ranks first on pooled
/// wordings alone, backed by neither, is the typical confidently wrong answer (a story sharing only background words
/// with it): "not sure" with 12348 and the nearest topics is better than a wrong article.
/// </summary>
/// <remarks>Thresholds from the dev splits' trade-off (README "Conversation quality"): at 0.2/0.2 five answers go, four of them wrong.</remarks>
public static class MatterSupport
{
    /// <summary>Least coverage of the question by the matter's legal text (<see cref="RetrievalResult.LegalCoverage"/>).</summary>
    public const double MinLegalCoverage = 0.2;

    /// <summary>Least bigram Dice between the question and the matter's closest wording (<see cref="QueryCoverage.BestVariantMatch"/>).</summary>
    public const double MinWordingMatch = 0.2;

    public static bool IsUnsupported(RetrievalResult result) =>
        result.Best is { } best && best.Document.Kind == DocumentKind.Matter && best.Score < double.MaxValue && !result.Reranked
        && result.LegalCoverage < MinLegalCoverage
        && QueryCoverage.BestVariantMatch(QueryCoverage.Bigrams(result.Query.Core), best) < MinWordingMatch;
}
