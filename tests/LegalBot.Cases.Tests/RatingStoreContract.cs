using System.Security.Cryptography;
using LegalBot.Cases.Privacy;
using LegalBot.Cases.Ratings;
using LegalBot.Cases.Statistics;
using LegalBot.Cases.Storage;

namespace LegalBot.Cases.Tests;

/// <summary>What every rating store must do, on SQLite always and on PostgreSQL with LEGALBOT_TEST_POSTGRES.</summary>
public abstract class RatingStoreContract : IAsyncLifetime
{
    private static readonly DateTimeOffset Start = new(2026, 12, 1, 2, 0, 0, TimeSpan.Zero);
    private readonly IFieldProtector _protector = new AesGcmFieldProtector(RandomNumberGenerator.GetBytes(32));
    private CaseDatabase? _db;
    private readonly ManualTime _time = new(Start);
    private SqlCaseStore _cases = null!;
    private SqlRatingStore _ratings = null!;

    protected abstract Task<CaseDatabase> CreateDatabaseAsync();

    public async Task InitializeAsync()
    {
        _db = await CreateDatabaseAsync();
        _cases = await SqlCaseStore.OpenAsync(_db, _protector, _time, default);
        _ratings = await SqlRatingStore.OpenAsync(_db, _protector, default);
    }

    public virtual async Task DisposeAsync()
    {
        if (_db is not null) await _db.DisposeAsync();
    }

    private async Task<CaseRecord> ClosedCaseAsync(string key, string conversation = "conv-1", string office = "office-a")
    {
        var c = (await _cases.CreateAsync(new NewCase(key, CaseKind.LegalAid, office, "示例县法律援助中心", "示例县/城关镇",
            new Applicant("张三", "13812345678", "欠薪"), new Dictionary<string, string>(), Start, "v1", conversation, "webchat", null), default)).Case;
        await _cases.ChangeStatusAsync(c.Reference, CaseStatus.Claimed, "w", null, default);
        return await _cases.CloseAsync(c.Reference, "w", null, null, default);
    }

    [Fact]
    public async Task A_closed_case_is_asked_once_rated_once_and_commented_once()
    {
        var c = await ClosedCaseAsync("k1");
        Assert.True(await _ratings.RequestAsync(c, Start, default));
        Assert.False(await _ratings.RequestAsync(c, Start.AddMinutes(1), default));

        var pending = await _ratings.PendingAsync("conv-1", Start.AddDays(-7), default);
        Assert.Equal((c.Reference, null, CommentState.NotAsked, (DateTimeOffset?)null), (pending!.Reference, pending.Level, pending.CommentState, pending.ShownAt));
        Assert.Null(await _ratings.PendingAsync("conv-other", Start.AddDays(-7), default));
        await _ratings.MarkShownAsync(c.Reference, Start.AddHours(1), default);

        Assert.True(await _ratings.RateAsync(c.Reference, RatingLevel.Dissatisfied, Start.AddHours(2), default));
        Assert.False(await _ratings.RateAsync(c.Reference, RatingLevel.VerySatisfied, Start.AddHours(3), default));
        var rated = await _ratings.GetAsync(c.Reference, default);
        Assert.Equal((RatingLevel.Dissatisfied, CommentState.Awaiting, FollowUpStatus.Pending, true), (rated!.Level, rated.CommentState, rated.FollowUp, rated.Dissatisfied));
        Assert.Equal(c.Reference, (await _ratings.PendingAsync("conv-1", Start.AddDays(-7), default))!.Reference); // waiting for the comment

        Assert.True(await _ratings.CommentAsync(c.Reference, "等了很久才有人联系", default));
        Assert.False(await _ratings.CommentAsync(c.Reference, "再说一次", default));
        var done = await _ratings.GetAsync(c.Reference, default);
        Assert.Equal(("等了很久才有人联系", CommentState.Done), (done!.Comment, done.CommentState));
        Assert.Null(await _ratings.PendingAsync("conv-1", Start.AddDays(-7), default));
    }

    [Fact]
    public async Task A_wechat_request_is_claimed_for_the_push_once()
    {
        var c = (await _cases.CreateAsync(new NewCase("k-push", CaseKind.Mediation, "office-a", "示例县人民调解委员会", "示例县/城关镇",
            new Applicant("李四", "13812345679", "邻里"), new Dictionary<string, string>(), Start, "v1", "wechat:oUser", "wechat", null), default)).Case;
        await _ratings.RequestAsync(c, Start, default);
        var unshown = Assert.Single(await _ratings.UnshownAsync("wechat", Start.AddDays(-7), 10, default));
        Assert.Equal(("wechat:oUser", "wechat"), (unshown.ConversationId, unshown.Channel));

        Assert.True(await _ratings.ClaimPushAsync(c.Reference, Start.AddMinutes(1), default));
        Assert.False(await _ratings.ClaimPushAsync(c.Reference, Start.AddMinutes(2), default));
        Assert.Empty(await _ratings.UnshownAsync("wechat", Start.AddDays(-7), 10, default));
        Assert.Equal(Start.AddMinutes(1), (await _ratings.GetAsync(c.Reference, default))!.ShownAt);
    }

    [Fact]
    public async Task An_old_unanswered_request_lapses_and_a_satisfied_rating_needs_no_follow_up()
    {
        var c = await ClosedCaseAsync("k2");
        await _ratings.RequestAsync(c, Start, default);
        Assert.Null(await _ratings.PendingAsync("conv-1", Start.AddDays(1), default));
        Assert.True(await _ratings.RateAsync(c.Reference, RatingLevel.Satisfied, Start.AddDays(2), default));
        Assert.Null((await _ratings.GetAsync(c.Reference, default))!.FollowUp);
        await Assert.ThrowsAsync<RatingUpdateException>(() => _ratings.FollowUpAsync(c.Reference, FollowUpStatus.Visited, "无需", "w", Start, default));
        await Assert.ThrowsAsync<RatingUpdateException>(() => _ratings.FollowUpAsync("FY-NONE", FollowUpStatus.Visited, null, "w", Start, default));
    }

    [Fact]
    public async Task Dissatisfied_ratings_list_by_office_and_period_and_take_a_follow_up()
    {
        var a = await ClosedCaseAsync("a", "conv-a", "office-a");
        var b = await ClosedCaseAsync("b", "conv-b", "office-b");
        var g = await ClosedCaseAsync("g", "conv-g", "office-a");
        foreach (var c in new[] { a, b, g }) await _ratings.RequestAsync(c, Start, default);
        await _ratings.RateAsync(a.Reference, RatingLevel.VeryDissatisfied, Start.AddHours(1), default);
        await _ratings.RateAsync(b.Reference, RatingLevel.Dissatisfied, Start.AddHours(2), default);
        await _ratings.RateAsync(g.Reference, RatingLevel.VerySatisfied, Start.AddHours(3), default);

        Assert.Equal([g.Reference, a.Reference], (await _ratings.ListRatedAsync(new RatingQuery("office-a"), default)).Select(r => r.Reference));
        Assert.Equal([a.Reference], (await _ratings.ListRatedAsync(new RatingQuery("office-a", DissatisfiedOnly: true), default)).Select(r => r.Reference));
        Assert.Equal(2, (await _ratings.ListRatedAsync(new RatingQuery(DissatisfiedOnly: true), default)).Count);
        Assert.Equal([g.Reference], (await _ratings.ListRatedAsync(new RatingQuery(From: Start.AddHours(3), To: Start.AddHours(4)), default)).Select(r => r.Reference));

        var f = await _ratings.FollowUpAsync(a.Reference, FollowUpStatus.Rectified, "已电话回访并改进流程", "主任", Start.AddDays(1), default);
        Assert.Equal((FollowUpStatus.Rectified, "已电话回访并改进流程", "主任", Start.AddDays(1)), (f.FollowUp!.Value, f.FollowUpNote, f.FollowUpBy, f.FollowUpAt!.Value));
    }

    [Fact]
    public async Task Comments_are_encrypted_at_rest_and_purged_with_their_case()
    {
        var c = await ClosedCaseAsync("p");
        await _ratings.RequestAsync(c, Start, default);
        await _ratings.RateAsync(c.Reference, RatingLevel.VeryDissatisfied, Start, default);
        await _ratings.CommentAsync(c.Reference, "工作人员态度差 13812345678", default);
        await _ratings.FollowUpAsync(c.Reference, FollowUpStatus.Visited, "已回访", "w", Start, default);
        await using (var conn = await _db!.OpenAsync(default))
        await using (var cmd = conn.CreateCommand())
        {
            cmd.CommandText = "SELECT comment_enc FROM case_ratings";
            Assert.DoesNotContain("13812345678", (string)(await cmd.ExecuteScalarAsync())!, StringComparison.Ordinal);
        }

        Assert.Equal(0, await _ratings.PurgeAsync(default));
        _time.Advance(TimeSpan.FromDays(400));
        await _cases.PurgeAsync(_time.GetUtcNow().AddDays(-365), default);
        Assert.Equal(1, await _ratings.PurgeAsync(default));
        var purged = await _ratings.GetAsync(c.Reference, default);
        Assert.Equal((null, null, "", RatingLevel.VeryDissatisfied), (purged!.Comment, purged.FollowUpNote, purged.ConversationId, purged.Level!.Value));
    }
}

public sealed class SqliteRatingStoreTests : RatingStoreContract
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "legalbot-ratings-" + Guid.NewGuid().ToString("N"));

    protected override Task<CaseDatabase> CreateDatabaseAsync() => Task.FromResult<CaseDatabase>(new SqliteCaseDatabase(Path.Combine(_dir, "cases.db")));

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try { Directory.Delete(_dir, recursive: true); } catch (IOException) { }
    }
}

[Trait("Category", "Postgres")]
public sealed class PostgresRatingStoreTests : RatingStoreContract
{
    private readonly string _schema = "r_" + Guid.NewGuid().ToString("N");
    private static string Admin => Environment.GetEnvironmentVariable("LEGALBOT_TEST_POSTGRES")
        ?? throw new InvalidOperationException("LEGALBOT_TEST_POSTGRES is not set: run the tests with tests/run.sh, which starts PostgreSQL when it is installed");

    protected override async Task<CaseDatabase> CreateDatabaseAsync()
    {
        await using (var c = new Npgsql.NpgsqlConnection(Admin))
        {
            await c.OpenAsync();
            await using var cmd = new Npgsql.NpgsqlCommand($"CREATE SCHEMA {_schema}", c);
            await cmd.ExecuteNonQueryAsync();
        }
        return new PostgresCaseDatabase(new Npgsql.NpgsqlConnectionStringBuilder(Admin) { SearchPath = _schema }.ConnectionString);
    }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        await using var c = new Npgsql.NpgsqlConnection(Admin);
        await c.OpenAsync();
        await using var cmd = new Npgsql.NpgsqlCommand($"DROP SCHEMA IF EXISTS {_schema} CASCADE", c);
        await cmd.ExecuteNonQueryAsync();
    }
}
