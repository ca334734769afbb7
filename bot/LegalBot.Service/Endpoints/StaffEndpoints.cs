using System.Globalization;
using System.Text;
using LegalBot.Cases;
using LegalBot.Cases.Privacy;
using LegalBot.Cases.Storage;
using LegalBot.Conversation.State;
using LegalBot.Service.Hosting;
using Microsoft.Extensions.Options;

namespace LegalBot.Service.Endpoints;

/// <summary>
/// The staff API. Knowledge status and the unanswered/feedback logs; and the case-worker handoff: list cases by
/// status, view one (the only place full personal data appears), claim, update status with a note, export CSV.
/// A key sees only its own office's cases; another office's case is simply not found.
/// </summary>
public static partial class StaffEndpoints
{
    private const string PrincipalItem = "staff-principal";

    public static void MapStaff(this IEndpointRouteBuilder app)
    {
        // Logs and folder status: any staff key, or (Development only) a direct local request while no keys are configured.
        var staff = app.MapGroup("/api/staff").AddEndpointFilter((context, next) => Authorize(context, next, allowLocal: true));
        // Cases carry personal data: a key, always.
        var casework = app.MapGroup("/api/staff").AddEndpointFilter((context, next) => Authorize(context, next, allowLocal: false));
        staff.MapGet("/knowledge", (KnowledgeHost host) => Results.Json(host.Status));
        // Conversation ids never leave the server: staff see an opaque tag that groups one conversation's entries.
        staff.MapGet("/unanswered", async (IConversationStore store, int? limit, CancellationToken ct) =>
            Results.Json((await store.ListUnansweredAsync(Math.Clamp(limit ?? 100, 1, 1000), ct)).Select(q => new
            {
                conversation = ConversationTag(q.ConversationId), channel = q.Channel, question = q.Question, bestScore = q.BestScore,
                bestSource = q.BestSource, createdAt = q.CreatedAt,
            })));
        staff.MapGet("/feedback", async (IConversationStore store, int? limit, CancellationToken ct) =>
            Results.Json((await store.ListFeedbackAsync(Math.Clamp(limit ?? 100, 1, 1000), ct)).Select(f => new
            {
                answerId = f.AnswerId, conversation = ConversationTag(f.ConversationId), helpful = f.Helpful, question = f.Question,
                sources = f.Sources, createdAt = f.CreatedAt,
            })));
        casework.MapGet("/me", (HttpContext http) =>
        {
            var p = Principal(http);
            return Results.Json(new { office = p.Office, worker = p.Worker, allOffices = p.SeesAllOffices });
        });
        casework.MapGet("/cases", ListAsync);
        casework.MapGet("/cases.csv", ExportAsync);
        casework.MapGet("/cases/{reference}", ViewAsync);
        casework.MapPost("/cases/{reference}/claim", (HttpContext http, ICaseStore cases, string reference, CancellationToken ct) =>
            ChangeAsync(http, cases, reference, new StatusChange("claimed", null), ct));
        casework.MapPost("/cases/{reference}/status", ChangeAsync);
    }

    private static async ValueTask<object?> Authorize(EndpointFilterInvocationContext context, EndpointFilterDelegate next, bool allowLocal)
    {
        var http = context.HttpContext;
        var options = http.RequestServices.GetRequiredService<IOptions<StaffOptions>>().Value;
        if (StaffAuth.Authenticate(http, options) is { } principal) http.Items[PrincipalItem] = principal;
        else if (!allowLocal || !StaffAuth.IsLocalWithoutKeys(http, options))
            return Results.Json(new { error = "staff API key required (" + StaffAuth.Header + ")" }, statusCode: 401);
        try
        {
            return await next(context);
        }
        catch (CaseStoreUnavailableException)
        {
            return Results.Json(new { error = "the case database is not reachable yet; try again shortly" }, statusCode: 503);
        }
    }

    /// <summary>A short stable tag for a conversation (SHA-256 prefix): groups entries without revealing the id.</summary>
    private static string ConversationTag(string conversationId) =>
        Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(Encoding.UTF8.GetBytes(conversationId)).AsSpan(0, 6));

    /// <summary>A status change request: status (claimed, in-progress, closed, referred) and an optional note.</summary>
    public sealed record StatusChange(string? Status, string? Note);

    private static StaffPrincipal Principal(HttpContext http) => (StaffPrincipal)http.Items[PrincipalItem]!;

    private static async Task<IResult> ListAsync(HttpContext http, ICaseStore cases, string? status, string? office, int? limit, CancellationToken ct)
    {
        if (Filter(http, status, office) is not { } query) return BadStatus(status);
        var list = await cases.ListAsync(query with { Limit = Math.Clamp(limit ?? 200, 1, 1000) }, ct);
        return Results.Json(list.Select(Summary));
    }

    private static async Task<IResult> ExportAsync(HttpContext http, ICaseStore cases, string? status, string? office, CancellationToken ct)
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
                Time(c.CreatedAt), Time(c.UpdatedAt), string.Join("；", c.Details.Select(d => $"{d.Key}：{d.Value}")),
            }.Select(Csv)));
        }
        LogExport(Logger(http), Principal(http).Worker, list.Count);
        return Results.File(Encoding.UTF8.GetBytes(csv.ToString()), "text/csv; charset=utf-8", "cases.csv");
    }

    private static async Task<IResult> ViewAsync(HttpContext http, ICaseStore cases, string reference, CancellationToken ct)
    {
        var c = await cases.GetAsync(reference, ct);
        if (c is null || !Principal(http).CanSee(c.OfficeId)) return NotFound(reference);
        LogViewed(Logger(http), Principal(http).Worker, c.Reference);
        var history = await cases.GetHistoryAsync(c.Reference, ct);
        var failedChecks = await cases.CountStatusCheckFailuresAsync(c.Reference, "", DateTimeOffset.UtcNow.AddDays(-30), ct);
        var notifications = await cases.ListNotificationsAsync(c.Reference, ct);
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
        });
    }

    private static async Task<IResult> ChangeAsync(HttpContext http, ICaseStore cases, string reference, StatusChange change, CancellationToken ct)
    {
        if (!CaseNames.TryParseStatus(change.Status, out var target) || target == CaseStatus.Submitted) return BadStatus(change.Status);
        if (change.Note is { Length: > 1000 }) return Results.Json(new { error = "note is longer than 1000 characters" }, statusCode: 400);
        var c = await cases.GetAsync(reference, ct);
        if (c is null || !Principal(http).CanSee(c.OfficeId)) return NotFound(reference);
        try
        {
            var updated = await cases.ChangeStatusAsync(c.Reference, target, Principal(http).Worker, string.IsNullOrWhiteSpace(change.Note) ? null : change.Note.Trim(), ct);
            return Results.Json(Summary(updated));
        }
        catch (CaseUpdateException ex)
        {
            return Results.Json(new { error = ex.Message }, statusCode: 409);
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
        var p = Principal(http);
        return new CaseQuery(p.SeesAllOffices ? (string.IsNullOrEmpty(office) ? null : office) : p.Office, s);
    }

    /// <summary>A case as lists and exports show it: names and numbers masked.</summary>
    public sealed record CaseSummary(string Reference, string Kind, string Status, string OfficeId, string OfficeName, string Area,
        string Applicant, string Mobile, string? AssignedTo, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt, IReadOnlyDictionary<string, string> Details);

    private static CaseSummary Summary(CaseRecord c) => new(c.Reference, c.Kind.ToWire(), c.Status.ToWire(), c.OfficeId, c.OfficeName, c.Area,
        c.Applicant is { } a ? PiiMasking.MaskName(a.Name) : StaffTexts.Purged, c.Applicant is { } b ? PiiMasking.MaskMobile(b.Mobile) : "",
        c.AssignedTo, c.CreatedAt, c.UpdatedAt, c.Details);

    private static IResult NotFound(string reference) => Results.Json(new { error = $"case {reference} not found" }, statusCode: 404);

    private static IResult BadStatus(string? status) =>
        Results.Json(new { error = $"unknown status '{status}' (submitted, claimed, in-progress, closed, referred)" }, statusCode: 400);

    private static string Time(DateTimeOffset t) => t.ToOffset(TimeSpan.FromHours(8)).ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture);

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
