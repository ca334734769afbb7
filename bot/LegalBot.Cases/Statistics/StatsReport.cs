using LegalBot.Cases.Activity;

namespace LegalBot.Cases.Statistics;

/// <summary>A month or a year in Beijing time, [From, To).</summary>
public sealed record StatsPeriod(string Label, DateTimeOffset From, DateTimeOffset To)
{
    public static readonly TimeSpan Beijing = TimeSpan.FromHours(8);

    public static StatsPeriod Month(int year, int month)
    {
        var from = new DateTimeOffset(year, month, 1, 0, 0, 0, Beijing);
        return new($"{year:D4}-{month:D2}", from, from.AddMonths(1));
    }

    public static StatsPeriod Year(int year)
    {
        var from = new DateTimeOffset(year, 1, 1, 0, 0, 0, Beijing);
        return new($"{year:D4}", from, from.AddYears(1));
    }

    public bool Contains(DateTimeOffset t) => t >= From && t < To;
}

/// <summary>The five national 好差评 levels, best first.</summary>
public enum RatingLevel
{
    VerySatisfied = 1,
    Satisfied = 2,
    BasicallySatisfied = 3,
    Dissatisfied = 4,
    VeryDissatisfied = 5,
}

/// <summary>A case with its history, as the statistics read it.</summary>
public sealed record CaseFacts(CaseRecord Case, IReadOnlyList<CaseEvent> History);

/// <summary>One 有帮助/没帮助 press.</summary>
public sealed record FeedbackFact(DateTimeOffset At, bool Helpful);

public sealed record Tally(string Key, int Count);

/// <param name="ByTown">By the town the message named; "" (未知乡镇) when it named none.</param>
public sealed record ConsultationFigures(int Total, int Answered, int Unanswered, int Clarified, double UnansweredRate, double ClarifiedRate,
    int Feedback, int NotHelpful, double NotHelpfulRate, IReadOnlyList<Tally> ByDay, IReadOnlyList<Tally> ByMonth, IReadOnlyList<Tally> ByChannel,
    IReadOnlyList<Tally> ByRoute, IReadOnlyList<Tally> ByMatter, IReadOnlyList<Tally> ByTown);

/// <param name="Received">Filed in the period (受理).</param>
/// <param name="Closed">Closed in the period, whenever filed (办结).</param>
public sealed record CaseKindFigures(int Received, int Closed, int Referred);

/// <param name="HoursToClaim">Mean hours from filing to claim, over cases claimed in the period; null when none.</param>
/// <param name="DaysToClose">Mean days from filing to closing, over cases closed in the period; null when none.</param>
/// <param name="MediationOutcomes">How the mediation cases closed in the period ended (调成率).</param>
/// <param name="ByTown">Cases filed in the period by the citizen's town (the second part of the area path); "" when the
/// area names no town (未注明), counted rather than dropped.</param>
public sealed record CaseFigures(int Received, IReadOnlyList<Tally> ByStatus, IReadOnlyList<Tally> ByOffice, CaseKindFigures LegalAid,
    CaseKindFigures Mediation, double? HoursToClaim, double? DaysToClose, MediationOutcomeFigures MediationOutcomes)
{
    public IReadOnlyList<Tally> ByTown { get; init; } = [];
}

/// <param name="SuccessRate">调成率 in percent: 调解成功 / (调解成功 + 调解不成功); 终止调解 counts in neither. Null when there is neither.</param>
public sealed record MediationOutcomeFigures(int Succeeded, int Failed, int Terminated, double? SuccessRate);

/// <param name="Rate">(非常满意 + 满意 + 基本满意) / all ratings; null when there are none.</param>
public sealed record SatisfactionFigures(int Ratings, double? Rate, IReadOnlyList<Tally> Levels);

/// <summary>The figures of a period (<c>GET /api/staff/stats</c>, the desk's 统计 and the XLSX export).</summary>
public sealed record StatsReport(StatsPeriod Period, int Consultations, int Unanswered, ConsultationFigures ConsultationFigures, CaseFigures Cases,
    SatisfactionFigures Satisfaction)
{
    /// <summary>Computes the figures from what was recorded; no I/O. Inputs outside the period are ignored.</summary>
    public static StatsReport Compute(StatsPeriod period, IEnumerable<Consultation> consultations, IEnumerable<FeedbackFact> feedback,
        IEnumerable<CaseFacts> cases, IEnumerable<RatingLevel> ratings)
    {
        var c = consultations.Where(x => period.Contains(x.At)).ToList();
        var f = feedback.Where(x => period.Contains(x.At)).ToList();
        var unanswered = c.Count(x => x.Outcome == ConsultationOutcome.Unanswered);
        var clarified = c.Count(x => x.Outcome == ConsultationOutcome.Clarified);
        var notHelpful = f.Count(x => !x.Helpful);
        var consultationFigures = new ConsultationFigures(c.Count, c.Count - unanswered - clarified, unanswered, clarified, Rate(unanswered, c.Count),
            Rate(clarified, c.Count), f.Count, notHelpful, Rate(notHelpful, f.Count),
            Tallies(c, x => Local(x.At).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture), byKey: true),
            Tallies(c, x => Local(x.At).ToString("yyyy-MM", System.Globalization.CultureInfo.InvariantCulture), byKey: true),
            Tallies(c, x => x.Channel), Tallies(c, x => x.Route), Tallies(c.Where(x => x.Source is not null), x => x.Source!),
            Tallies(c, x => x.Town ?? ""));

        var all = cases.ToList();
        var received = all.Where(x => period.Contains(x.Case.CreatedAt)).ToList();
        var claims = all.Select(x => (x.Case, Event: x.History.FirstOrDefault(e => e.To == CaseStatus.Claimed))).Where(x => x.Event is not null && period.Contains(x.Event.At)).ToList();
        var closings = all.Select(x => (x.Case, Event: x.History.LastOrDefault(e => e.To == CaseStatus.Closed))).Where(x => x.Event is not null && period.Contains(x.Event.At)).ToList();
        var referrals = all.Where(x => x.History.Any(e => e.To == CaseStatus.Referred && period.Contains(e.At))).ToList();
        CaseKindFigures Kind(CaseKind kind) => new(received.Count(x => x.Case.Kind == kind), closings.Count(x => x.Case.Kind == kind), referrals.Count(x => x.Case.Kind == kind));
        var caseFigures = new CaseFigures(received.Count, Tallies(received, x => x.Case.Status.ToWire()), Tallies(received, x => x.Case.OfficeName),
            Kind(CaseKind.LegalAid), Kind(CaseKind.Mediation),
            claims.Count == 0 ? null : Math.Round(claims.Average(x => (x.Event!.At - x.Case.CreatedAt).TotalHours), 1),
            closings.Count == 0 ? null : Math.Round(closings.Average(x => (x.Event!.At - x.Case.CreatedAt).TotalDays), 1),
            Outcomes(closings.Where(x => x.Case.Kind == CaseKind.Mediation).Select(x => x.Case.Outcome)))
            { ByTown = Tallies(received, x => TownOf(x.Case.Area)) };

        var r = ratings.ToList();
        var satisfied = r.Count(x => x is RatingLevel.VerySatisfied or RatingLevel.Satisfied or RatingLevel.BasicallySatisfied);
        var satisfaction = new SatisfactionFigures(r.Count, r.Count == 0 ? null : Rate(satisfied, r.Count),
            [.. Enum.GetValues<RatingLevel>().Select(l => new Tally(l.ToWire(), r.Count(x => x == l)))]);
        return new StatsReport(period, c.Count, unanswered, consultationFigures, caseFigures, satisfaction);
    }

    private static MediationOutcomeFigures Outcomes(IEnumerable<MediationOutcome?> outcomes)
    {
        var list = outcomes.ToList();
        var succeeded = list.Count(o => o == MediationOutcome.Succeeded);
        var failed = list.Count(o => o == MediationOutcome.Failed);
        return new(succeeded, failed, list.Count(o => o == MediationOutcome.Terminated), succeeded + failed == 0 ? null : Rate(succeeded, succeeded + failed));
    }

    /// <summary>The town of an area path (示例县/城关镇/东关村 → 城关镇); "" when the path stops at the county.</summary>
    public static string TownOf(string? area) =>
        area?.Split('/', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) is { Length: >= 2 } parts ? parts[1] : "";

    private static DateTimeOffset Local(DateTimeOffset t) => t.ToOffset(StatsPeriod.Beijing);

    /// <summary>A share in percent, one decimal; 0 of nothing is 0.</summary>
    private static double Rate(int part, int whole) => whole == 0 ? 0 : Math.Round(100.0 * part / whole, 1);

    /// <summary>Counts by key: most frequent first, or in key order for dates.</summary>
    private static List<Tally> Tallies<T>(IEnumerable<T> items, Func<T, string> key, bool byKey = false)
    {
        var groups = items.GroupBy(key, StringComparer.Ordinal).Select(g => new Tally(g.Key, g.Count()));
        return [.. byKey ? groups.OrderBy(t => t.Key, StringComparer.Ordinal) : groups.OrderByDescending(t => t.Count).ThenBy(t => t.Key, StringComparer.Ordinal)];
    }
}

public static class RatingLevels
{
    public static string ToWire(this RatingLevel level) => level switch
    {
        RatingLevel.VerySatisfied => "very-satisfied",
        RatingLevel.Satisfied => "satisfied",
        RatingLevel.BasicallySatisfied => "basically-satisfied",
        RatingLevel.Dissatisfied => "dissatisfied",
        _ => "very-dissatisfied",
    };
}
