using LegalBot.Conversation.Publicity;

namespace LegalBot.Conversation.Tests;

/// <summary>What every publicity store must do: figures, leaderboards, consent, the WeChat window and single delivery claims.</summary>
public abstract class PublicityStoreContract : IAsyncLifetime
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 3, 2, 0, 0, TimeSpan.Zero);
    private SqlPublicityStore? _store;

    protected abstract Task<SqlPublicityStore> CreateAsync();

    public virtual Task InitializeAsync() => Task.CompletedTask;

    public virtual async Task DisposeAsync()
    {
        if (_store is not null) await _store.DisposeAsync();
    }

    private async Task<SqlPublicityStore> StoreAsync() => _store ??= await CreateAsync();

    [Fact]
    public async Task Figures_count_lessons_quizzes_and_distinct_participants_by_town_and_campaign()
    {
        var store = await StoreAsync();
        var ct = CancellationToken.None;
        await store.RecordLessonAsync(new LessonRead("l1", "webchat", "c1", "城关镇", T0), ct);
        await store.RecordLessonAsync(new LessonRead("l2", "wechat", null, null, T0.AddMinutes(1)), ct);
        await store.RecordLessonAsync(new LessonRead("l3", "wechat", null, null, T0.AddDays(40)), ct);
        await store.RecordQuizAsync(new QuizResult("p1", "webchat", "c1", 4, 5, T0, "小王", "城关镇"), ct);
        await store.RecordQuizAsync(new QuizResult("p1", "webchat", "c1", 5, 5, T0.AddHours(1), "小王", "城关镇"), ct);
        var anonymous = await store.RecordQuizAsync(new QuizResult("p2", "wechat", "c1", 2, 5, T0.AddHours(2)), ct);
        await store.JoinLeaderboardAsync(anonymous, "老李", "河口乡", ct);

        var f = await store.FiguresAsync(T0.AddDays(-1), T0.AddDays(30), ct);
        Assert.Equal((2, 3, 2, 73.3), (f.LessonsRead, f.QuizzesTaken, f.Participants, f.AverageScore));
        var town = f.ByTown.Single(r => r.Key == "城关镇");
        Assert.Equal((1, 2, 1, 90.0), (town.LessonsRead, town.QuizzesTaken, town.Participants, town.AverageScore));
        Assert.Equal(1, f.ByTown.Single(r => r.Key == "").LessonsRead);
        Assert.Equal(3, f.ByCampaign.Single(r => r.Key == "c1").QuizzesTaken);

        var board = await store.LeaderboardAsync("c1", 10, ct);
        Assert.Equal([("城关镇", 1, 100.0, "小王", 100), ("河口乡", 1, 40.0, "老李", 40)],
            board.Select(r => (r.Town, r.Participants, r.AverageScore, r.TopNickname, r.TopScore)));
        Assert.Equal(3, await store.PurgeAsync(T0.AddMinutes(30), ct));
    }

    [Fact]
    public async Task Matters_asked_are_counted_by_town_and_matter_inside_the_period_and_purged_with_the_rest()
    {
        var store = await StoreAsync();
        var ct = CancellationToken.None;
        await store.RecordMatterAskedAsync(new MatterAsked("matter-wages", "webchat", "城关镇", T0), ct);
        await store.RecordMatterAskedAsync(new MatterAsked("matter-wages", "wechat", "城关镇", T0.AddHours(1)), ct);
        await store.RecordMatterAskedAsync(new MatterAsked("matter-divorce", "wechat", "城关镇", T0.AddHours(2)), ct);
        await store.RecordMatterAskedAsync(new MatterAsked("matter-wages", "wechat", null, T0.AddHours(3)), ct);
        await store.RecordMatterAskedAsync(new MatterAsked("matter-wages", "wechat", "城关镇", T0.AddDays(40)), ct);

        var demand = await store.MattersAskedAsync(T0.AddDays(-1), T0.AddDays(30), ct);
        Assert.Equal([("城关镇", "matter-wages", 2), ("", "matter-wages", 1), ("城关镇", "matter-divorce", 1)],
            demand.Select(d => (d.Town, d.MatterId, d.Asked)));
        Assert.Equal(4, await store.PurgeAsync(T0.AddDays(1), ct));
        Assert.Empty(await store.MattersAskedAsync(T0.AddDays(-1), T0.AddDays(30), ct));
    }

    [Fact]
    public async Task Only_subscribers_seen_inside_the_window_are_due_and_a_week_is_claimed_once()
    {
        var store = await StoreAsync();
        var ct = CancellationToken.None;
        await store.SubscribeAsync(new Subscriber("wechat:a", "wechat:a", "wechat", T0, T0), ct);
        await store.SubscribeAsync(new Subscriber("wechat:b", "wechat:b", "wechat", T0, T0), ct);
        await store.SubscribeAsync(new Subscriber("webchat:c", "webchat:c", "webchat", T0, T0), ct);
        var now = T0.AddDays(3);
        await store.TouchAsync("wechat:a", now.AddHours(-1), ct);

        var due = await store.DueAsync("wechat", now.AddDays(-7), now.AddHours(-48), 10, ct);
        Assert.Equal(["wechat:a"], due.Select(s => s.UserId));
        Assert.Equal(T0, due[0].ConsentAt);
        var claims = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => store.ClaimDeliveryAsync("wechat:a", now.AddDays(-7), now, ct)));
        Assert.Single(claims, c => c);
        Assert.Empty(await store.DueAsync("wechat", now.AddDays(-7), now.AddHours(-48), 10, ct));

        // Opted out: never due, never claimed; opting in again is a new consent.
        Assert.True(await store.UnsubscribeAsync("wechat:a", now, ct));
        Assert.False(await store.UnsubscribeAsync("wechat:a", now, ct));
        Assert.False(await store.ClaimDeliveryAsync("wechat:a", now.AddDays(30), now.AddDays(30), ct));
        await store.SubscribeAsync(new Subscriber("wechat:a", "wechat:a", "wechat", now.AddDays(1), now.AddDays(1)), ct);
        var again = Assert.Single(await store.DueAsync("wechat", now.AddDays(8), now, 10, ct));
        Assert.Equal(now.AddDays(1), again.ConsentAt);
    }
}

public sealed class SqlitePublicityStoreTests : PublicityStoreContract
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "legalbot-pb-" + Guid.NewGuid().ToString("N"));

    protected override Task<SqlPublicityStore> CreateAsync()
    {
        Directory.CreateDirectory(_folder);
        return SqlPublicityStore.OpenSqliteAsync(Path.Combine(_folder, "publicity.db"), CancellationToken.None);
    }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        if (Directory.Exists(_folder)) Directory.Delete(_folder, recursive: true);
    }
}

/// <summary>Needs LEGALBOT_TEST_POSTGRES (tests/run.sh starts a throwaway server); each test gets its own schema.</summary>
[Trait("Category", "Postgres")]
public sealed class PostgresPublicityStoreTests : PublicityStoreContract
{
    private readonly string _schema = "pb_" + Guid.NewGuid().ToString("N");

    private static string Admin => Environment.GetEnvironmentVariable("LEGALBOT_TEST_POSTGRES")
        ?? throw new InvalidOperationException("LEGALBOT_TEST_POSTGRES is not set: run the tests with tests/run.sh, which starts PostgreSQL when it is installed");

    public override async Task InitializeAsync() => await ExecuteAsync($"CREATE SCHEMA {_schema}");

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        await ExecuteAsync($"DROP SCHEMA IF EXISTS {_schema} CASCADE");
    }

    protected override Task<SqlPublicityStore> CreateAsync() =>
        Task.FromResult(SqlPublicityStore.OpenPostgres(new Npgsql.NpgsqlConnectionStringBuilder(Admin) { SearchPath = _schema }.ConnectionString));

    private static async Task ExecuteAsync(string sql)
    {
        await using var c = new Npgsql.NpgsqlConnection(Admin);
        await c.OpenAsync();
        await using var cmd = new Npgsql.NpgsqlCommand(sql, c);
        await cmd.ExecuteNonQueryAsync();
    }
}
