using LegalBot.Cases.Activity;
using LegalBot.Cases.Statistics;

namespace LegalBot.Cases.Tests;

/// <summary>The figures of a period from consultations, feedback, cases and ratings (pure computation).</summary>
public sealed class StatsReportTests
{
    private static readonly StatsPeriod December = StatsPeriod.Month(2026, 12);
    private static readonly DateTimeOffset D1 = new(2026, 12, 1, 0, 30, 0, StatsPeriod.Beijing);

    private static CaseRecord Case(string reference, CaseKind kind, CaseStatus status, DateTimeOffset created, string office = "中心") => new(
        reference, kind, status, "office-a", office, "示例县/城关镇", null, new Dictionary<string, string>(), created, "v1", "conv", "webchat", null, created, created, null);

    [Fact]
    public void Consultations_are_counted_in_Beijing_days_with_their_rates()
    {
        Consultation At(DateTimeOffset t, ConsultationOutcome o, string channel = "webchat", string route = "consult", string? source = "matters/wages") =>
            new(t, channel, route, o, source, null);
        var report = StatsReport.Compute(December, [
            At(D1, ConsultationOutcome.Answered),
            At(D1.AddHours(1), ConsultationOutcome.Answered, "wechat", "legal-aid"),
            At(D1.AddDays(1), ConsultationOutcome.Unanswered, source: null),
            At(D1.AddDays(2), ConsultationOutcome.Clarified, source: null),
            At(D1.AddHours(-1), ConsultationOutcome.Answered), // 30 November, Beijing time: outside
        ], [new FeedbackFact(D1, true), new FeedbackFact(D1, false), new FeedbackFact(D1.AddMonths(1), false)], [], []);

        Assert.Equal((4, 1), (report.Consultations, report.Unanswered));
        var c = report.ConsultationFigures;
        Assert.Equal((2, 1, 25.0, 25.0, 2, 1, 50.0), (c.Answered, c.Clarified, c.UnansweredRate, c.ClarifiedRate, c.Feedback, c.NotHelpful, c.NotHelpfulRate));
        Assert.Equal([new Tally("2026-12-01", 2), new Tally("2026-12-02", 1), new Tally("2026-12-03", 1)], c.ByDay);
        Assert.Equal([new Tally("webchat", 3), new Tally("wechat", 1)], c.ByChannel);
        Assert.Equal(new Tally("matters/wages", 2), Assert.Single(c.ByMatter));
        Assert.Equal(new Tally("legal-aid", 1), c.ByRoute[1]);
    }

    [Fact]
    public void Cases_count_filed_claimed_and_closed_in_the_period_with_mean_times_and_satisfaction()
    {
        var filedEarlier = Case("FY-1", CaseKind.LegalAid, CaseStatus.Closed, D1.AddDays(-10));
        var filedNow = Case("FY-2", CaseKind.LegalAid, CaseStatus.Claimed, D1);
        var mediation = Case("TJ-1", CaseKind.Mediation, CaseStatus.Referred, D1.AddDays(1), "调委会");
        CaseEvent E(DateTimeOffset at, CaseStatus to) => new(at, null, to, "w", null);
        var report = StatsReport.Compute(December, [], [], [
            new CaseFacts(filedEarlier, [E(filedEarlier.CreatedAt, CaseStatus.Submitted), E(filedEarlier.CreatedAt.AddHours(2), CaseStatus.Claimed), E(D1.AddDays(2), CaseStatus.Closed)]),
            new CaseFacts(filedNow, [E(D1, CaseStatus.Submitted), E(D1.AddHours(4), CaseStatus.Claimed)]),
            new CaseFacts(mediation, [E(mediation.CreatedAt, CaseStatus.Submitted), E(mediation.CreatedAt.AddHours(1), CaseStatus.Referred)]),
        ], [RatingLevel.VerySatisfied, RatingLevel.BasicallySatisfied, RatingLevel.Dissatisfied, RatingLevel.Satisfied]);

        var k = report.Cases;
        Assert.Equal(2, k.Received);
        Assert.Equal(new CaseKindFigures(1, 1, 0), k.LegalAid);
        Assert.Equal(new CaseKindFigures(1, 0, 1), k.Mediation);
        Assert.Equal(4.0, k.HoursToClaim); // only the claim made in December
        Assert.Equal(12.0, k.DaysToClose);
        Assert.Equal([new Tally("claimed", 1), new Tally("referred", 1)], k.ByStatus);
        Assert.Equal((4, 75.0), (report.Satisfaction.Ratings, report.Satisfaction.Rate));
        Assert.Equal([1, 1, 1, 1, 0], report.Satisfaction.Levels.Select(l => l.Count));
    }

    [Fact]
    public void Mediation_success_rate_counts_succeeded_over_succeeded_and_failed_closed_in_the_period()
    {
        CaseFacts Closed(string reference, MediationOutcome? outcome, DateTimeOffset closedAt, CaseKind kind = CaseKind.Mediation) => new(
            Case(reference, kind, CaseStatus.Closed, D1.AddDays(-3)) with { Outcome = outcome },
            [new CaseEvent(D1.AddDays(-3), null, CaseStatus.Submitted, "citizen", null), new CaseEvent(closedAt, CaseStatus.Claimed, CaseStatus.Closed, "w", null)]);
        var report = StatsReport.Compute(December, [], [], [
            Closed("TJ-1", MediationOutcome.Succeeded, D1),
            Closed("TJ-2", MediationOutcome.Succeeded, D1.AddDays(1)),
            Closed("TJ-3", MediationOutcome.Failed, D1.AddDays(2)),
            Closed("TJ-4", MediationOutcome.Terminated, D1.AddDays(3)),
            Closed("TJ-5", MediationOutcome.Failed, D1.AddDays(-2)), // closed in November: outside
            Closed("FY-1", null, D1, CaseKind.LegalAid),
        ], []);
        Assert.Equal(new MediationOutcomeFigures(2, 1, 1, 66.7), report.Cases.MediationOutcomes);
        Assert.Null(StatsReport.Compute(December, [], [], [Closed("TJ-6", MediationOutcome.Terminated, D1)], []).Cases.MediationOutcomes.SuccessRate);
    }

    [Fact]
    public void Cases_are_counted_by_the_town_of_their_area_and_a_county_only_area_is_not_dropped()
    {
        CaseFacts Filed(string reference, string area, DateTimeOffset at) =>
            new(Case(reference, CaseKind.LegalAid, CaseStatus.Submitted, at) with { Area = area }, [new CaseEvent(at, null, CaseStatus.Submitted, "citizen", null)]);
        var report = StatsReport.Compute(December, [], [], [
            Filed("FY-1", "示例县/城关镇/东关村", D1),
            Filed("FY-2", "示例县/城关镇", D1.AddDays(1)),
            Filed("FY-3", "示例县/河口乡/", D1.AddDays(2)),
            Filed("FY-4", "示例县", D1.AddDays(3)),
            Filed("FY-5", "示例县/河口乡", D1.AddDays(-3)), // filed in November: outside
        ], []);
        Assert.Equal([new Tally("城关镇", 2), new Tally("", 1), new Tally("河口乡", 1)], report.Cases.ByTown);
        Assert.Equal("", StatsReport.TownOf(null));
    }

    [Fact]
    public void An_empty_period_has_no_rates_to_invent()
    {
        var report = StatsReport.Compute(StatsPeriod.Year(2026), [], [], [], []);
        Assert.Equal((0, 0.0, null, null, null), (report.Consultations, report.ConsultationFigures.UnansweredRate, report.Satisfaction.Rate,
            report.Cases.HoursToClaim, report.Cases.DaysToClose));
        Assert.Equal((new DateTimeOffset(2026, 1, 1, 0, 0, 0, StatsPeriod.Beijing), new DateTimeOffset(2027, 1, 1, 0, 0, 0, StatsPeriod.Beijing)),
            (report.Period.From, report.Period.To));
    }
}

/// <summary>What every consultation record must do: keep what was written and list a period.</summary>
public abstract class ActivityStoreContract : IAsyncLifetime
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 3, 2, 0, 0, TimeSpan.Zero);
    private SqlActivityStore? _store;

    protected abstract Task<SqlActivityStore> CreateAsync();

    public virtual Task InitializeAsync() => Task.CompletedTask;

    public virtual async Task DisposeAsync()
    {
        if (_store is not null) await _store.DisposeAsync();
    }

    [Fact]
    public async Task Consultations_read_back_whole_for_the_period_asked()
    {
        var store = _store = await CreateAsync();
        var answered = new Consultation(T0, "webchat", "consult", ConsultationOutcome.Answered, "matters/wages", "城关镇");
        var unanswered = new Consultation(T0.AddHours(1), "wechat", "consult", ConsultationOutcome.Unanswered, null, null);
        await store.RecordAsync(answered, default);
        await store.RecordAsync(unanswered, default);
        await store.RecordAsync(new Consultation(T0.AddDays(1), "wechat", "legal-aid", ConsultationOutcome.Clarified, null, null), default);

        Assert.Equal([answered, unanswered], await store.ListAsync(T0, T0.AddDays(1), default));
        Assert.Equal(3, (await store.ListAsync(T0.AddDays(-1), T0.AddDays(2), default)).Count);
        Assert.Empty(await store.ListAsync(T0.AddDays(2), T0.AddDays(3), default));
    }
}

public sealed class SqliteActivityStoreTests : ActivityStoreContract
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "legalbot-activity-" + Guid.NewGuid().ToString("N"));

    protected override Task<SqlActivityStore> CreateAsync()
    {
        Directory.CreateDirectory(_dir);
        return SqlActivityStore.OpenSqliteAsync(Path.Combine(_dir, "activity.db"), default);
    }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try { Directory.Delete(_dir, recursive: true); } catch (IOException) { }
    }
}

/// <summary>Needs LEGALBOT_TEST_POSTGRES (a connection string); each test gets its own schema.</summary>
[Trait("Category", "Postgres")]
public sealed class PostgresActivityStoreTests : ActivityStoreContract
{
    private readonly string _schema = "ac_" + Guid.NewGuid().ToString("N");
    private static string Admin => Environment.GetEnvironmentVariable("LEGALBOT_TEST_POSTGRES")
        ?? throw new InvalidOperationException("LEGALBOT_TEST_POSTGRES is not set: run the tests with tests/run.sh, which starts PostgreSQL when it is installed");

    public override async Task InitializeAsync() => await RunAsync($"CREATE SCHEMA {_schema}");

    protected override Task<SqlActivityStore> CreateAsync() =>
        Task.FromResult(SqlActivityStore.OpenPostgres(new Npgsql.NpgsqlConnectionStringBuilder(Admin) { SearchPath = _schema }.ConnectionString));

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        await RunAsync($"DROP SCHEMA IF EXISTS {_schema} CASCADE");
    }

    private static async Task RunAsync(string sql)
    {
        await using var c = new Npgsql.NpgsqlConnection(Admin);
        await c.OpenAsync();
        await using var cmd = new Npgsql.NpgsqlCommand(sql, c);
        await cmd.ExecuteNonQueryAsync();
    }
}
