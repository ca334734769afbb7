using LegalBot.Cases.Audit;

namespace LegalBot.Service.Endpoints;

/// <summary>
/// The one line a staff endpoint writes to record what a worker did: <c>audit.RecordAsync(principal, action, target, detail, ct)</c>.
/// Endpoints record before they answer, so an action whose record could not be written fails rather than goes unrecorded.
/// </summary>
public interface IStaffAudit
{
    /// <param name="action">One of <see cref="AuditActions"/>.</param>
    /// <param name="target">A case reference, document id or export filter.</param>
    /// <param name="detail">Anything else useful to a reviewer; never personal data.</param>
    Task RecordAsync(StaffPrincipal principal, string action, string target, string? detail, CancellationToken cancellationToken);
}

public sealed class StaffAudit(IAuditStore store, TimeProvider time) : IStaffAudit
{
    public Task RecordAsync(StaffPrincipal principal, string action, string target, string? detail, CancellationToken cancellationToken) =>
        store.AppendAsync(new AuditEntry(time.GetUtcNow(), principal.Worker, principal.Office, action, target, detail), cancellationToken);
}
