namespace LegalBot.Cases;

/// <summary>The allowed status changes. A case is referred when it belongs to another office or service.</summary>
public static class CaseLifecycle
{
    public static bool CanMove(CaseStatus from, CaseStatus to) => (from, to) switch
    {
        (CaseStatus.Submitted, CaseStatus.Claimed) => true,
        (CaseStatus.Submitted, CaseStatus.Referred) => true,
        (CaseStatus.Claimed, CaseStatus.InProgress) => true,
        (CaseStatus.Claimed or CaseStatus.InProgress, CaseStatus.Closed or CaseStatus.Referred) => true,
        _ => false,
    };

    public static bool IsFinal(CaseStatus status) => status is CaseStatus.Closed or CaseStatus.Referred;
}

/// <summary>A status change the lifecycle does not allow, or on a case that does not exist.</summary>
public sealed class CaseUpdateException(string message) : Exception(message);
