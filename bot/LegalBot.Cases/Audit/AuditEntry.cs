namespace LegalBot.Cases.Audit;

/// <summary>One staff action: who (worker and the key's office, <c>*</c> for all offices), when, what and on what.</summary>
/// <param name="Action">One of <see cref="AuditActions"/>.</param>
/// <param name="Target">What was acted on: a case reference, a document id, or the filter of an export.</param>
/// <param name="Detail">What else staff reviewing the log need (the new status, how many rows were exported); never personal data.</param>
public sealed record AuditEntry(DateTimeOffset At, string Worker, string Office, string Action, string Target, string? Detail);

/// <summary>Which entries to list, newest first; null members do not filter. <paramref name="To"/> is exclusive.</summary>
public sealed record AuditQuery(DateTimeOffset? From = null, DateTimeOffset? To = null, string? Worker = null, int Limit = 500);

/// <summary>The actions the desk records (stable wire names; the desk shows them in Chinese).</summary>
public static class AuditActions
{
    public const string CaseView = "case.view";
    public const string CaseExport = "case.export";
    public const string CaseStatus = "case.status";
    public const string KnowledgeUpload = "knowledge.upload";
    public const string KnowledgeAttach = "knowledge.attach";
    public const string KnowledgeMatter = "knowledge.matter";
    public const string RatingFollowUp = "rating.follow-up";
    public const string StatsExport = "stats.export";
}
