using LegalBot.Conversation.Routing;
using LegalBot.Knowledge.Documents;
using LegalBot.Knowledge.Index;
using LegalBot.Knowledge.Search;

namespace LegalBot.Conversation.Answering;

/// <summary>
/// A question that names a service ("法律援助可以打电话咨询吗") is about that service: among the close candidates,
/// those of that service (its matters, statute and guide) come first, so a wording shared with another problem
/// ("打电话") does not carry the answer elsewhere.
/// </summary>
public static class RouteAffinity
{
    /// <summary>Candidates of the named service move ahead of others they score at least this share of.</summary>
    public const double CloseRatio = 0.5;

    public static RetrievalResult Prefer(RetrievalResult result, string? route)
    {
        if (route is null || !Routes.IsService(route) || result.Hits.Count < 2 || result.Hits[0].Score >= double.MaxValue) return result;
        if (About(result.Hits[0], route)) return result;
        var floor = CloseRatio * result.Hits[0].Score;
        var preferred = result.Hits.Where(h => h.Score >= floor && About(h, route)).ToList();
        if (preferred.Count == 0) return result;
        return result with { Hits = [.. preferred, .. result.Hits.Where(h => !preferred.Contains(h))] };
    }

    private static bool About(ChunkHit hit, string route)
    {
        if (hit.Document.Kind == DocumentKind.Matter)
        {
            var m = MatterRouting.Of(hit.Document);
            return m.Route == route || m.Services.Contains(route);
        }
        return RouteClassifier.FromRetrieval(hit.Document, confident: true).Route == route;
    }
}
