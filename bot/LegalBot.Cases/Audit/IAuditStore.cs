namespace LegalBot.Cases.Audit;

/// <summary>
/// The staff audit log: append-only. There is no way to change an entry, and the only removal is the retention purge
/// of entries older than the store's retention (at least <see cref="MinimumRetentionDays"/>).
/// </summary>
public interface IAuditStore
{
    public const int MinimumRetentionDays = 365;

    Task AppendAsync(AuditEntry entry, CancellationToken cancellationToken);

    Task<IReadOnlyList<AuditEntry>> ListAsync(AuditQuery query, CancellationToken cancellationToken);

    /// <summary>Deletes the entries older than the retention; returns how many.</summary>
    Task<int> PurgeExpiredAsync(CancellationToken cancellationToken);
}
