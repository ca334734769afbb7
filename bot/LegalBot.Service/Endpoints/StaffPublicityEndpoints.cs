using LegalBot.Cases.Statistics;
using LegalBot.Conversation.Publicity;
using LegalBot.Knowledge.Documents;
using LegalBot.Service.Hosting;

namespace LegalBot.Service.Endpoints;

/// <summary>
/// 精准普法: <c>GET /api/staff/publicity?month=YYYY-MM</c> (or <c>year=YYYY</c>) — lessons read, quizzes taken,
/// participants and average score by town and campaign, and by town the most-asked matters with the lessons that
/// cover them. Figures only (no person), so any staff key sees them.
/// </summary>
public static class StaffPublicityEndpoints
{
    private const int MattersPerTown = 10;

    public static void MapStaffPublicity(this RouteGroupBuilder staff) =>
        staff.MapGet("/publicity", async (DataStores stores, KnowledgeHost host, TimeProvider time, string? month, string? year, CancellationToken ct) =>
        {
            if (StaffStatsEndpoints.Period(month, year, time.GetUtcNow()) is not { } period)
                return StaffEndpoints.Error(StaffStatsTexts.BadPeriod(month, year), 400);
            var report = await BuildAsync(stores.Publicity, host, period, ct);
            return Results.Json(new { period = period.Label, from = period.From, until = period.To, report });
        });

    /// <summary>The report for a period (also what the statistics export's 普法 sheet shows).</summary>
    public static async Task<PublicityReport> BuildAsync(IPublicityStore store, KnowledgeHost host, StatsPeriod period, CancellationToken ct)
    {
        var figures = await store.FiguresAsync(period.From, period.To, ct);
        var demand = await store.MattersAskedAsync(period.From, period.To, ct);
        var view = host.View;
        var titles = (await view.Index.GetDocumentsAsync(ct)).Where(d => d.Kind == DocumentKind.Matter)
            .ToDictionary(d => d.Id, d => d.Title, StringComparer.Ordinal);
        return PublicityReport.Build(figures, demand, view.Publicity, titles, MattersPerTown);
    }
}
