namespace LegalBot.Cases;

public enum CaseKind
{
    LegalAid,
    Mediation,
}

/// <summary>submitted → claimed → in progress → closed / referred (see <see cref="CaseLifecycle"/>).</summary>
public enum CaseStatus
{
    Submitted,
    Claimed,
    InProgress,
    Closed,
    Referred,
}

/// <summary>The personal part of a case: encrypted at rest, masked everywhere except the authenticated case view.</summary>
public sealed record Applicant(string Name, string Mobile, string Description);

/// <summary>A confirmed intake, as the conversation hands it over.</summary>
/// <param name="IdempotencyKey">Chosen when the confirmation was asked; a retried confirmation carries the same key.</param>
/// <param name="Area">The citizen's place as shown to staff (示例县/城关镇/东关村).</param>
/// <param name="Details">Non-personal answers: matter type, exemption, dispute type, the other party's relationship.</param>
/// <param name="ConsentVersion">Which consent text the citizen agreed to.</param>
/// <param name="Webhook">The office's notification webhook when the case was filed, if any.</param>
public sealed record NewCase(
    string IdempotencyKey,
    CaseKind Kind,
    string OfficeId,
    string OfficeName,
    string Area,
    Applicant Applicant,
    IReadOnlyDictionary<string, string> Details,
    DateTimeOffset ConsentAt,
    string ConsentVersion,
    string ConversationId,
    string Channel,
    Uri? Webhook);

/// <param name="Applicant">Null once the case has been purged after the retention period.</param>
public sealed record CaseRecord(
    string Reference,
    CaseKind Kind,
    CaseStatus Status,
    string OfficeId,
    string OfficeName,
    string Area,
    Applicant? Applicant,
    IReadOnlyDictionary<string, string> Details,
    DateTimeOffset ConsentAt,
    string ConsentVersion,
    string ConversationId,
    string Channel,
    string? AssignedTo,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    DateTimeOffset? PurgedAt)
{
    /// <summary>How a closed mediation case ended (调成率); null for legal aid and for open cases.</summary>
    public MediationOutcome? Outcome { get; init; }
}

/// <summary>How a mediation ended: 调解成功 / 调解不成功 / 终止调解. Recorded when the case is closed.</summary>
public enum MediationOutcome
{
    Succeeded,
    Failed,
    Terminated,
}

/// <summary>One step of a case's history.</summary>
public sealed record CaseEvent(DateTimeOffset At, CaseStatus? From, CaseStatus To, string Actor, string? Note);

/// <param name="Created">False when the idempotency key was seen before and the existing case is returned.</param>
public sealed record CaseCreation(CaseRecord Case, bool Created);

/// <summary>Which cases to list; null members do not filter.</summary>
public sealed record CaseQuery(string? OfficeId = null, CaseStatus? Status = null, int Limit = 200);

/// <summary>An outgoing new-case notification (transactional outbox row).</summary>
public sealed record CaseNotification(
    long Id,
    string Reference,
    string OfficeId,
    Uri Target,
    string Body,
    int Attempts,
    DateTimeOffset NextAttemptAt,
    DateTimeOffset? DeliveredAt,
    string? LastError);

public static class CaseNames
{
    public static string ToWire(this CaseKind kind) => kind == CaseKind.LegalAid ? "legal-aid" : "mediation";

    public static string ToWire(this CaseStatus status) => status switch
    {
        CaseStatus.Submitted => "submitted",
        CaseStatus.Claimed => "claimed",
        CaseStatus.InProgress => "in-progress",
        CaseStatus.Closed => "closed",
        _ => "referred",
    };

    public static bool TryParseStatus(string? text, out CaseStatus status)
    {
        foreach (var s in Enum.GetValues<CaseStatus>())
            if (string.Equals(s.ToWire(), text, StringComparison.OrdinalIgnoreCase)) { status = s; return true; }
        status = default;
        return false;
    }

    public static string ToWire(this MediationOutcome outcome) => outcome switch
    {
        MediationOutcome.Succeeded => "succeeded",
        MediationOutcome.Failed => "failed",
        _ => "terminated",
    };

    public static bool TryParseOutcome(string? text, out MediationOutcome outcome)
    {
        foreach (var o in Enum.GetValues<MediationOutcome>())
            if (string.Equals(o.ToWire(), text, StringComparison.OrdinalIgnoreCase)) { outcome = o; return true; }
        outcome = default;
        return false;
    }

    public static CaseKind ParseKind(string text) => text == "legal-aid" ? CaseKind.LegalAid : CaseKind.Mediation;
}
