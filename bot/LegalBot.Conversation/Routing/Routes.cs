namespace LegalBot.Conversation.Routing;

/// <summary>The fixed route set of ../shared/eval/README.md.</summary>
public static class Routes
{
    public const string Consult = "consult";
    public const string LegalAid = "legal-aid";
    public const string Mediation = "mediation";
    public const string Notary = "notary";
    public const string Reconsideration = "reconsideration";
    public const string Petition = "petition";
    public const string Emergency = "emergency";
    public const string Greeting = "greeting";
    public const string OutOfScope = "out-of-scope";
    /// <summary>普法: lessons, quizzes, subscriptions (not a route of the eval set).</summary>
    public const string Publicity = "publicity";

    public static readonly IReadOnlyList<string> All =
        [Consult, LegalAid, Mediation, Notary, Reconsideration, Petition, Emergency, Greeting, OutOfScope];

    public static bool IsService(string route) =>
        route is LegalAid or Mediation or Notary or Reconsideration or Petition;
}

/// <summary>A route with the reason it was chosen (the matched phrase or signal), for logs and staff.</summary>
public sealed record RouteDecision(string Route, string Reason);
