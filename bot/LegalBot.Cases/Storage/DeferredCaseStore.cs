namespace LegalBot.Cases.Storage;

/// <summary>The case store is not reachable yet (PostgreSQL still starting, say); try again shortly.</summary>
public sealed class CaseStoreUnavailableException(string message) : InvalidOperationException(message);

/// <summary>
/// The case store as the rest of the service sees it while the real one may still be connecting: every call goes
/// to the opened store, or fails with <see cref="CaseStoreUnavailableException"/> until it is there. Lets the
/// service start and answer questions (not ready for cases) while PostgreSQL comes up.
/// </summary>
public sealed class DeferredCaseStore : ICaseStore
{
    private volatile ICaseStore? _inner;

    public bool IsOpen => _inner is not null;

    public void Open(ICaseStore store) => _inner = store;

    private ICaseStore Inner => _inner ?? throw new CaseStoreUnavailableException("the case database is not reachable yet");

    public Task<CaseCreation> CreateAsync(NewCase newCase, CancellationToken cancellationToken) => Inner.CreateAsync(newCase, cancellationToken);
    public Task<CaseRecord?> GetAsync(string reference, CancellationToken cancellationToken) => Inner.GetAsync(reference, cancellationToken);
    public Task<IReadOnlyList<CaseRecord>> ListAsync(CaseQuery query, CancellationToken cancellationToken) => Inner.ListAsync(query, cancellationToken);
    public Task<IReadOnlyList<CaseEvent>> GetHistoryAsync(string reference, CancellationToken cancellationToken) => Inner.GetHistoryAsync(reference, cancellationToken);
    public Task<CaseRecord> ChangeStatusAsync(string reference, CaseStatus target, string actor, string? note, CancellationToken cancellationToken) =>
        Inner.ChangeStatusAsync(reference, target, actor, note, cancellationToken);
    public Task<CaseRecord> CloseAsync(string reference, string actor, string? note, MediationOutcome? outcome, CancellationToken cancellationToken) =>
        Inner.CloseAsync(reference, actor, note, outcome, cancellationToken);
    public Task<IReadOnlyList<CaseNotification>> LeaseDueNotificationsAsync(TimeSpan lease, int max, CancellationToken cancellationToken) =>
        Inner.LeaseDueNotificationsAsync(lease, max, cancellationToken);
    public Task MarkDeliveredAsync(long notificationId, CancellationToken cancellationToken) => Inner.MarkDeliveredAsync(notificationId, cancellationToken);
    public Task MarkFailedAsync(long notificationId, string failure, DateTimeOffset nextAttemptAt, CancellationToken cancellationToken) =>
        Inner.MarkFailedAsync(notificationId, failure, nextAttemptAt, cancellationToken);
    public Task<IReadOnlyList<CaseNotification>> ListNotificationsAsync(string? reference, CancellationToken cancellationToken) =>
        Inner.ListNotificationsAsync(reference, cancellationToken);
    public Task RecordStatusCheckFailureAsync(string reference, string client, CancellationToken cancellationToken) =>
        Inner.RecordStatusCheckFailureAsync(reference, client, cancellationToken);
    public Task<StatusCheckFailures> CountStatusCheckFailuresAsync(string reference, string client, DateTimeOffset since, CancellationToken cancellationToken) =>
        Inner.CountStatusCheckFailuresAsync(reference, client, since, cancellationToken);
    public Task<int> PurgeAsync(DateTimeOffset cutoff, CancellationToken cancellationToken) => Inner.PurgeAsync(cutoff, cancellationToken);
}
