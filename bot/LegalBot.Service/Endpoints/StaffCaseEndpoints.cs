using System.Globalization;
using System.Text;
using LegalBot.Cases;
using LegalBot.Cases.Audit;
using LegalBot.Cases.Privacy;
using LegalBot.Cases.Ratings;
using LegalBot.Cases.Storage;

namespace LegalBot.Service.Endpoints;

/// <summary>
/// The case-worker handoff: list cases by status, view one (the only place full personal data appears), claim,
/// update status with a note, export CSV. A key sees only its own office's cases; another office's case is simply
/// not found.
/// </summary>
public static partial class StaffCaseEndpoints
{
    private const int MaxNote = 1000;

    public static void MapStaffCases(this RouteGroupBuilder casework)
    {
        casework.MapGet("/cases", ListAsync);
        casework.MapGet("/cases.csv", ExportAsync);
        casework.MapGet("/cases/{reference}", ViewAsync);
        casework.MapPost("/cases/{reference}/claim", (HttpContext http, ICaseStore cases, IRatingStore ratings, IStaffAudit audit, string reference, CancellationToken ct) =>
            ChangeAsync(http, cases, ratings, audit, reference, new StatusChange("claimed", null), ct));
        casework.MapPost("/cases/{reference}/status", ChangeAsync);
    }

    /// <summary>
    /// A status change request: status (claimed, in-progress, closed, referred), an optional note, and — required when
    /// closing a mediation case — its outcome (succeeded, failed, terminated).
    /// </summary>
    public sealed record StatusChange(string? Status, string? Note, string? Outcome = null);

    /// <summary>A case as lists and exports show it: names and numbers masked.</summary>
    public sealed record CaseSummary(string Reference, string Kind, string Status, string OfficeId, string OfficeName, string Area,
        string Applicant, string Mobile, string? AssignedTo, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt, IReadOnlyDictionary<string, string> Details,
        string? Outcome);

    private static async Task<IResult> ListAsync(HttpContext http, ICaseStore cases, string? status, string? office, int? limit, CancellationToken ct)
    {
        if (Filter(http, status, office) is not { } query) return BadStatus(status);
        var list = await cases.ListAsync(query with { Limit = Math.Clamp(limit ?? 200, 1, 1000) }, ct);
        return Results.Json(list.Select(Summary));
    }

    private static async Task<IResult> ExportAsync(HttpContext http, ICaseStore cases, IStaffAudit audit, string? status, string? office, CancellationToken ct)
    {
        if (Filter(http, status, office) is not { } query) return BadStatus(status);
        var list = await cases.ListAsync(query with { Limit = 10_000 }, ct);
        var csv = new StringBuilder("\uFEFF"); // BOM: Excel opens UTF-8 Chinese correctly
        csv.AppendLine(string.Join(',', StaffTexts.CsvHeader));
        foreach (var c in list)
        {
            var s = Summary(c);
            csv.AppendLine(string.Join(',', new[]
            {
                s.Reference, StaffTexts.Kind(c.Kind), StaffTexts.Status(c.Status), s.OfficeName, s.Area, s.Applicant, s.Mobile, s.AssignedTo ?? "",
                StaffTexts.ChinaTime(c.CreatedAt), StaffTexts.ChinaTime(c.UpdatedAt), string.Join("；", c.Details.Select(d => $"{d.Key}：{d.Value}")),
            }.Select(Csv)));
        }
        LogExport(Logger(http), StaffEndpoints.Principal(http).Worker, list.Count);
        await audit.RecordAsync(StaffEndpoints.Principal(http), AuditActions.CaseExport, $"office={query.OfficeId ?? "*"};status={status}", $"{list.Count}", ct);
        return Results.File(Encoding.UTF8.GetBytes(csv.ToString()), "text/csv; charset=utf-8", "cases.csv");
    }

    private static async Task<IResult> ViewAsync(HttpContext http, ICaseStore cases, IRatingStore ratings, IStaffAudit audit, string reference, CancellationToken ct)
    {
        var c = await cases.GetAsync(reference, ct);
        if (c is null || !StaffEndpoints.Principal(http).CanSee(c.OfficeId)) return NotFound(reference);
        LogViewed(Logger(http), StaffEndpoints.Principal(http).Worker, c.Reference);
        await audit.RecordAsync(StaffEndpoints.Principal(http), AuditActions.CaseView, c.Reference, null, ct);
        var history = await cases.GetHistoryAsync(c.Reference, ct);
        var failedChecks = await cases.CountStatusCheckFailuresAsync(c.Reference, "", DateTimeOffset.UtcNow.AddDays(-30), ct);
        var notifications = await cases.ListNotificationsAsync(c.Reference, ct);
        var rating = await ratings.GetAsync(c.Reference, ct);
        return Results.Json(new
        {
            summary = Summary(c),
            name = c.Applicant?.Name,
            mobile = c.Applicant?.Mobile,
            description = c.Applicant?.Description,
            consentAt = c.ConsentAt,
            consentVersion = c.ConsentVersion,
            channel = c.Channel,
            purgedAt = c.PurgedAt,
            // Wrong phone digits given for this reference in online progress queries (30 days): a sign someone is guessing.
            failedStatusChecks = failedChecks.ForReference,
            history = history.Select(h => new { at = h.At, from = h.From?.ToWire(), to = h.To.ToWire(), actor = h.Actor, note = h.Note }),
            notifications = notifications.Select(n => new { id = n.Id, attempts = n.Attempts, deliveredAt = n.DeliveredAt, lastError = n.LastError }),
            rating = rating is null ? null : StaffRatingEndpoints.View(rating),
        });
    }

    private static async Task<IResult> ChangeAsync(HttpContext http, ICaseStore cases, IRatingStore ratings, IStaffAudit audit, string reference, StatusChange change,
        CancellationToken ct)
    {
        if (!CaseNames.TryParseStatus(change.Status, out var target) || target == CaseStatus.Submitted) return BadStatus(change.Status);
        if (change.Note is { Length: > MaxNote }) return StaffEndpoints.Error(StaffTexts.NoteTooLong(MaxNote), 400);
        var c = await cases.GetAsync(reference, ct);
        if (c is null || !StaffEndpoints.Principal(http).CanSee(c.OfficeId)) return NotFound(reference);
        if (!CaseLifecycle.CanMove(c.Status, target)) return StaffEndpoints.Error(StaffTexts.CannotMove(c.Reference, c.Status, target), 409);
        MediationOutcome? outcome = null;
        if (!string.IsNullOrWhiteSpace(change.Outcome))
        {
            if (!CaseNames.TryParseOutcome(change.Outcome.Trim(), out var parsed)) return StaffEndpoints.Error(StaffRatingTexts.UnknownOutcome(change.Outcome), 400);
            if (c.Kind != CaseKind.Mediation) return StaffEndpoints.Error(StaffRatingTexts.OutcomeNotForKind(c.Reference), 400);
            outcome = parsed;
        }
        if (target == CaseStatus.Closed && c.Kind == CaseKind.Mediation && outcome is null) return StaffEndpoints.Error(StaffRatingTexts.OutcomeRequired, 400);
        try
        {
            var note = string.IsNullOrWhiteSpace(change.Note) ? null : change.Note.Trim();
            var worker = StaffEndpoints.Principal(http).Worker;
            var updated = target == CaseStatus.Closed
                ? await cases.CloseAsync(c.Reference, worker, note, outcome, ct)
                : await cases.ChangeStatusAsync(c.Reference, target, worker, note, ct);
            // The citizen is asked to rate the closed case in the conversation that filed it (好差评).
            if (target == CaseStatus.Closed) await ratings.RequestAsync(updated, updated.UpdatedAt, ct);
            await audit.RecordAsync(StaffEndpoints.Principal(http), AuditActions.CaseStatus, c.Reference,
                $"{c.Status.ToWire()}→{target.ToWire()}" + (outcome is { } o ? $" ({o.ToWire()})" : ""), ct);
            return Results.Json(Summary(updated));
        }
        catch (CaseUpdateException)
        {
            // Lifecycle was checked above, so what remains is a concurrent change by another worker.
            return StaffEndpoints.Error(StaffTexts.ChangedMeanwhile(c.Reference), 409);
        }
    }

    private static CaseQuery? Filter(HttpContext http, string? status, string? office)
    {
        CaseStatus? s = null;
        if (!string.IsNullOrEmpty(status))
        {
            if (!CaseNames.TryParseStatus(status, out var parsed)) return null;
            s = parsed;
        }
        var p = StaffEndpoints.Principal(http);
        return new CaseQuery(p.SeesAllOffices ? (string.IsNullOrEmpty(office) ? null : office) : p.Office, s);
    }

    private static CaseSummary Summary(CaseRecord c) => new(c.Reference, c.Kind.ToWire(), c.Status.ToWire(), c.OfficeId, c.OfficeName, c.Area,
        c.Applicant is { } a ? PiiMasking.MaskName(a.Name) : StaffTexts.Purged, c.Applicant is { } b ? PiiMasking.MaskMobile(b.Mobile) : "",
        c.AssignedTo, c.CreatedAt, c.UpdatedAt, c.Details, c.Outcome?.ToWire());

    private static IResult NotFound(string reference) => StaffEndpoints.Error(StaffTexts.CaseNotFound(reference), 404);

    private static IResult BadStatus(string? status) => StaffEndpoints.Error(StaffTexts.UnknownStatus(status), 400);

    /// <summary>RFC 4180 quoting, and a leading apostrophe for cells a spreadsheet would run as a formula.</summary>
    private static string Csv(string value)
    {
        if (value.Length > 0 && value[0] is '=' or '+' or '-' or '@' or '\t' or '\r') value = "'" + value;
        return value.IndexOfAny([',', '"', '\n', '\r']) >= 0 ? "\"" + value.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : value;
    }

    private static ILogger Logger(HttpContext http) => http.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger("LegalBot.Staff");

    [LoggerMessage(LogLevel.Information, "case {Reference} viewed by {Worker}")]
    private static partial void LogViewed(ILogger logger, string worker, string reference);

    [LoggerMessage(LogLevel.Information, "{Count} cases exported by {Worker}")]
    private static partial void LogExport(ILogger logger, string worker, int count);
}
