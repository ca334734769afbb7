using System.Globalization;
using LegalBot.Cases.Audit;

namespace LegalBot.Service.Endpoints;

/// <summary>
/// <c>GET /api/staff/audit?from=YYYY-MM-DD&amp;to=YYYY-MM-DD&amp;worker=</c>: the audit log, newest first, for the
/// <c>*</c> key only. Dates are Beijing calendar days, both inclusive.
/// </summary>
public static class StaffAuditEndpoints
{
    private static readonly TimeSpan Beijing = TimeSpan.FromHours(8);

    public static void MapStaffAudit(this RouteGroupBuilder casework) => casework.MapGet("/audit", ListAsync);

    private static async Task<IResult> ListAsync(HttpContext http, IAuditStore audit, Hosting.KnowledgeHost host, string? from, string? to, string? worker, int? limit, CancellationToken ct)
    {
        if (!StaffEndpoints.Principal(http).SeesAllOffices) return StaffEndpoints.Error(StaffAuditTexts.OnlyAllOffices, 403);
        if (!TryDay(from, out var start)) return StaffEndpoints.Error(StaffAuditTexts.BadDate("from", from), 400);
        if (!TryDay(to, out var end)) return StaffEndpoints.Error(StaffAuditTexts.BadDate("to", to), 400);
        if (start > end) return StaffEndpoints.Error(StaffAuditTexts.FromAfterTo, 400);
        var entries = await audit.ListAsync(new AuditQuery(start, end?.AddDays(1), string.IsNullOrWhiteSpace(worker) ? null : worker.Trim(),
            Math.Clamp(limit ?? 500, 1, 5000)), ct);
        return Results.Json(entries.Select(e => new
        {
            at = e.At,
            worker = e.Worker,
            office = e.Office,
            officeName = e.Office == Hosting.StaffKey.AllOffices ? StaffTexts.AllOffices : host.Offices.Get(e.Office)?.Name ?? e.Office,
            action = e.Action,
            target = e.Target,
            detail = e.Detail
        }));
    }

    /// <summary>The start of a Beijing calendar day; an absent value is no bound.</summary>
    private static bool TryDay(string? value, out DateTimeOffset? start)
    {
        start = null;
        if (string.IsNullOrWhiteSpace(value)) return true;
        if (!DateOnly.TryParseExact(value.Trim(), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day)) return false;
        start = new DateTimeOffset(day.ToDateTime(TimeOnly.MinValue), Beijing);
        return true;
    }
}
