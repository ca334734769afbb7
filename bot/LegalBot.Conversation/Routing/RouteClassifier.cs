using LegalBot.Knowledge.Documents;
using LegalBot.Knowledge.Text;

namespace LegalBot.Conversation.Routing;

/// <summary>
/// Picks one route per message, offline and explainably: greetings and thanks, then a service named in the
/// question, then the service of the best-matching document; a question the knowledge base cannot answer
/// confidently is out of scope, anything else is a consultation. (Emergencies are the crisis check's, before routing.)
/// </summary>
public static class RouteClassifier
{
    /// <summary>The reason given for thanks (routed as a greeting, answered with 不客气).</summary>
    public const string ThanksReason = "thanks";

    /// <summary>Decides from the text alone where that is possible (greeting, thanks, named service).</summary>
    public static RouteDecision? FromText(string normalized)
    {
        var compact = normalized.Replace(" ", "", StringComparison.Ordinal);
        var bare = StopPhrases.Remove(normalized).Replace(" ", "", StringComparison.Ordinal);
        if (compact.Length <= 12 && RouteLexicon.Greeting.Any(g => compact == g || bare == g || compact.StartsWith(g, StringComparison.Ordinal) && compact.Length <= g.Length + 3))
            return new RouteDecision(Routes.Greeting, "greeting");
        if (compact.Length <= 10 && RouteLexicon.Thanks.Any(t => compact.Contains(t, StringComparison.Ordinal)))
            return new RouteDecision(Routes.Greeting, ThanksReason);
        foreach (var (route, phrases) in RouteLexicon.Services)
        {
            if (FindAsserted(compact, phrases) is { } phrase) return new RouteDecision(route, $"service phrase '{phrase}'");
            if (route == Routes.Petition && Petition(compact) is { } reason) return new RouteDecision(route, reason);
        }
        if (Find(compact, RouteLexicon.MediationColloquial) is { } asked) return new RouteDecision(Routes.Mediation, $"mediation asked as '{asked}'");
        return null;
    }

    /// <summary>A complaint taken to a higher level, or about an official (see <see cref="RouteLexicon.PetitionVerbs"/>); null otherwise.</summary>
    private static string? Petition(string compact)
    {
        if (Find(compact, RouteLexicon.Upwards) is { } upwards) return $"petition asked as '{upwards}'";
        if (Find(compact, RouteLexicon.PetitionVerbs) is { } verb && Find(compact, RouteLexicon.Officials) is { } official)
            return $"petition: '{verb}' about '{official}'";
        return null;
    }

    /// <summary>The question names this service beyond doubt (法律援助, 复议, 人民调解; not after 没/不: "没去公证").</summary>
    public static bool NamesClearly(string normalized, string route)
    {
        var compact = normalized.Replace(" ", "", StringComparison.Ordinal);
        if (route == Routes.Petition && Petition(compact) is not null) return true;
        // 说和, 评评理, or a bare 调解 requested of no police station, court or arbitration.
        if (route == Routes.Mediation && (Find(compact, RouteLexicon.MediationColloquial) is not null
            || Find(compact, RouteLexicon.OtherMediators) is null && RequestsMediation(compact)))
            return true;
        foreach (var (service, phrases) in RouteLexicon.ClearServices)
        {
            if (service != route) continue;
            foreach (var phrase in phrases)
                for (var at = compact.IndexOf(phrase, StringComparison.Ordinal); at >= 0; at = compact.IndexOf(phrase, at + 1, StringComparison.Ordinal))
                {
                    var before = compact[Math.Max(0, at - 2)..at];
                    if (!RouteLexicon.Negations.Any(n => before.Contains(n, StringComparison.Ordinal))) return true;
                }
        }
        return false;
    }

    // 能调解吗, 找谁来调解, 村里能给调解不 — but not 不想调解 or 在街道调解那签了协议.
    private static bool RequestsMediation(string compact)
    {
        for (var at = compact.IndexOf("调解", StringComparison.Ordinal); at >= 0; at = compact.IndexOf("调解", at + 1, StringComparison.Ordinal))
        {
            var before = compact[Math.Max(0, at - 3)..at];
            if (RouteLexicon.Negations.Any(n => before.Contains(n, StringComparison.Ordinal))) continue;
            var after = compact[(at + 2)..];
            if (RouteLexicon.MediationRequestBefore.Any(w => before.Contains(w, StringComparison.Ordinal))
                || RouteLexicon.MediationRequestAfter.Any(w => after.StartsWith(w, StringComparison.Ordinal)))
                return true;
        }
        return false;
    }

    public static bool IsReset(string normalized) =>
        RouteLexicon.Reset.Contains(normalized.Replace(" ", "", StringComparison.Ordinal));

    /// <summary>Decides from the retrieval outcome when the text alone did not.</summary>
    public static RouteDecision FromRetrieval(DocumentInfo? best, bool confident)
    {
        if (best is null || !confident) return new RouteDecision(Routes.OutOfScope, "no confident match in the knowledge base");
        var about = TextNormalizer.Normalize(best.Title + " " + string.Join(' ', best.Tags));
        foreach (var (route, phrases) in RouteLexicon.DocumentServices)
            if (Find(about.Replace(" ", "", StringComparison.Ordinal), phrases) is { } phrase)
                return new RouteDecision(route, $"best match '{best.Title}' is about '{phrase}'");
        return new RouteDecision(Routes.Consult, $"answered from '{best.Title}'");
    }

    /// <summary>The first phrase found not right after a negation ("没去公证" does not ask for a notary).</summary>
    private static string? FindAsserted(string text, string[] phrases)
    {
        foreach (var p in phrases)
            for (var at = text.IndexOf(p, StringComparison.Ordinal); at >= 0; at = text.IndexOf(p, at + 1, StringComparison.Ordinal))
                if (!RouteLexicon.Negations.Any(n => text[Math.Max(0, at - 2)..at].Contains(n, StringComparison.Ordinal))) return p;
        return null;
    }

    private static string? Find(string text, string[] phrases)
    {
        foreach (var p in phrases)
            if (text.Contains(p, StringComparison.Ordinal)) return p;
        return null;
    }
}
