namespace LegalBot.Cases.Storage;

/// <summary>Cases, their history and their outgoing notifications. Personal fields are encrypted at rest.</summary>
public interface ICaseStore
{
    /// <summary>
    /// Files a case, its first history entry and (when the office has a webhook) its notification, in one
    /// transaction. Idempotent: a second call with the same idempotency key returns the first case.
    /// </summary>
    Task<CaseCreation> CreateAsync(NewCase newCase, CancellationToken cancellationToken);

    Task<CaseRecord?> GetAsync(string reference, CancellationToken cancellationToken);

    Task<IReadOnlyList<CaseRecord>> ListAsync(CaseQuery query, CancellationToken cancellationToken);

    Task<IReadOnlyList<CaseEvent>> GetHistoryAsync(string reference, CancellationToken cancellationToken);

    /// <summary>Moves a case along its lifecycle; claiming also assigns it to <paramref name="actor"/>.</summary>
    /// <exception cref="CaseUpdateException">The case does not exist or the move is not allowed from its current status.</exception>
    Task<CaseRecord> ChangeStatusAsync(string reference, CaseStatus target, string actor, string? note, CancellationToken cancellationToken);

    /// <summary>Closes a case; a mediation case records how it ended (调成率), a legal-aid case takes no outcome.</summary>
    /// <exception cref="CaseUpdateException">As <see cref="ChangeStatusAsync"/>, or the outcome does not fit the case's kind.</exception>
    Task<CaseRecord> CloseAsync(string reference, string actor, string? note, MediationOutcome? outcome, CancellationToken cancellationToken);

    /// <summary>Takes up to <paramref name="max"/> due notifications for <paramref name="lease"/>, so two dispatchers never send the same one at once.</summary>
    Task<IReadOnlyList<CaseNotification>> LeaseDueNotificationsAsync(TimeSpan lease, int max, CancellationToken cancellationToken);

    Task MarkDeliveredAsync(long notificationId, CancellationToken cancellationToken);

    Task MarkFailedAsync(long notificationId, string failure, DateTimeOffset nextAttemptAt, CancellationToken cancellationToken);

    Task<IReadOnlyList<CaseNotification>> ListNotificationsAsync(string? reference, CancellationToken cancellationToken);

    /// <summary>Counts a failed progress query (unknown reference or wrong phone digits) against the reference and the client.</summary>
    Task RecordStatusCheckFailureAsync(string reference, string client, CancellationToken cancellationToken);

    /// <summary>Failed progress queries since <paramref name="since"/>, for that reference (from anyone) and by that client (for any reference).</summary>
    Task<StatusCheckFailures> CountStatusCheckFailuresAsync(string reference, string client, DateTimeOffset since, CancellationToken cancellationToken);

    /// <summary>Erases the personal fields of closed and referred cases last changed before <paramref name="cutoff"/>; returns how many.</summary>
    Task<int> PurgeAsync(DateTimeOffset cutoff, CancellationToken cancellationToken);
}

/// <summary>Failed progress queries counted for a lock: on one reference from all conversations, and by one client.</summary>
public sealed record StatusCheckFailures(int ForReference, int ForClient);
