using System.Globalization;
using LegalBot.Cases;
using LegalBot.Cases.Activity;
using LegalBot.Cases.Ratings;
using LegalBot.Cases.Statistics;
using LegalBot.Cases.Storage;
using LegalBot.Conversation.State;

namespace LegalBot.Service.Endpoints;

/// <summary>
/// <c>GET /api/staff/stats?month=YYYY-MM</c> (or <c>?year=YYYY</c>; default this month): the figures of the
/// period as JSON — consultations (county-wide), cases (the key's office, all for <c>*</c>), satisfaction;
/// <c>/stats.xlsx</c> the same as the annual-report workbook (<see cref="StaffStatsExport"/>).
/// </summary>
public static class StaffStatsEndpoints
{
    private const int MaxCases = 10_000;
    private const int MaxFeedback = 100_000;

    public static void MapStaffStats(this RouteGroupBuilder casework)
    {
        casework.MapGet("/stats", async (HttpContext http, IActivityStore activity, IConversationStore conversations, ICaseStore cases, IRatingStore ratings,
            TimeProvider time, string? month, string? year, CancellationToken ct) =>
        {
            if (Period(month, year, time.GetUtcNow()) is not { } period) return StaffEndpoints.Error(StaffStatsTexts.BadPeriod(month, year), 400);
            return Results.Json(await ReportAsync(StaffEndpoints.Principal(http), period, activity, conversations, cases, ratings, ct));
        });
        casework.MapGet("/stats.xlsx", async (HttpContext http, IActivityStore activity, IConversationStore conversations, ICaseStore cases, IRatingStore ratings, IStaffAudit audit,
            Hosting.KnowledgeHost host, Hosting.DataStores stores, TimeProvider time, string? month, string? year, CancellationToken ct) =>
        {
            if (Period(month, year, time.GetUtcNow()) is not { } period) return StaffEndpoints.Error(StaffStatsTexts.BadPeriod(month, year), 400);
            var principal = StaffEndpoints.Principal(http);
            var report = await ReportAsync(principal, period, activity, conversations, cases, ratings, ct);
            var scope = principal.SeesAllOffices ? StaffTexts.AllOffices : host.Offices.Get(principal.Office)?.Name ?? principal.Office;
            await audit.RecordAsync(principal, LegalBot.Cases.Audit.AuditActions.StatsExport, period.Label, null, ct);
            var publicity = await StaffPublicityEndpoints.BuildAsync(stores.Publicity, host, period, ct);
            return Results.File(StaffStatsExport.Build(report, scope, publicity), StaffStatsExport.ContentType, $"stats-{period.Label}.xlsx");
        });
    }

    /// <summary>month=YYYY-MM or year=YYYY (not both); neither is the current Beijing month.</summary>
    public static StatsPeriod? Period(string? month, string? year, DateTimeOffset now)
    {
        var hasMonth = !string.IsNullOrWhiteSpace(month);
        var hasYear = !string.IsNullOrWhiteSpace(year);
        if (hasMonth && hasYear) return null;
        if (hasMonth)
            return DateTime.TryParseExact(month!.Trim(), "yyyy-MM", CultureInfo.InvariantCulture, DateTimeStyles.None, out var m) ? StatsPeriod.Month(m.Year, m.Month) : null;
        if (hasYear)
            return int.TryParse(year!.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var y) && y is >= 2000 and <= 9999 ? StatsPeriod.Year(y) : null;
        var local = now.ToOffset(StatsPeriod.Beijing);
        return StatsPeriod.Month(local.Year, local.Month);
    }

    public static async Task<StatsReport> ReportAsync(StaffPrincipal principal, StatsPeriod period, IActivityStore activity, IConversationStore conversations,
        ICaseStore cases, IRatingStore ratings, CancellationToken ct)
    {
        var consultations = await activity.ListAsync(period.From, period.To, ct);
        var feedback = (await conversations.ListFeedbackAsync(MaxFeedback, ct)).Select(f => new FeedbackFact(f.CreatedAt, f.Helpful));
        var list = await cases.ListAsync(new CaseQuery(principal.SeesAllOffices ? null : principal.Office, Limit: MaxCases), ct);
        var facts = new List<CaseFacts>();
        // A case untouched since before the period cannot have been filed, claimed or closed in it.
        foreach (var c in list.Where(c => c.UpdatedAt >= period.From && c.CreatedAt < period.To))
            facts.Add(new CaseFacts(c, await cases.GetHistoryAsync(c.Reference, ct)));
        // Ratings count in the period they were given, for the key's office (all for "*").
        var rated = await ratings.ListRatedAsync(new RatingQuery(principal.SeesAllOffices ? null : principal.Office, period.From, period.To, Limit: MaxCases), ct);
        return StatsReport.Compute(period, consultations, feedback, facts, rated.Select(r => r.Level!.Value));
    }
}
