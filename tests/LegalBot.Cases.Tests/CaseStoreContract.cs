using System.Security.Cryptography;
using LegalBot.Cases.Privacy;
using LegalBot.Cases.Storage;

namespace LegalBot.Cases.Tests;

/// <summary>
/// The behaviour every case database must have. Runs against SQLite always and against a real PostgreSQL when
/// LEGALBOT_TEST_POSTGRES is set (tests/run.sh starts a throwaway server when PostgreSQL is installed).
/// </summary>
public abstract class CaseStoreContract : IAsyncLifetime
{
    protected static readonly DateTimeOffset Start = new(2026, 11, 22, 8, 0, 0, TimeSpan.Zero);
    private static readonly Uri Hook = new("http://127.0.0.1:9/hook");
    private CaseDatabase? _db;
    private readonly IFieldProtector _protector = new AesGcmFieldProtector(RandomNumberGenerator.GetBytes(32));

    protected ManualTime Time { get; } = new(Start);
    protected ICaseStore Store { get; private set; } = null!;
    protected CaseDatabase Db => _db!;

    protected abstract Task<CaseDatabase> CreateDatabaseAsync();

    public async Task InitializeAsync()
    {
        _db = await CreateDatabaseAsync();
        Store = await SqlCaseStore.OpenAsync(_db, _protector, Time, CancellationToken.None);
    }

    public virtual async Task DisposeAsync()
    {
        if (_db is not null) await _db.DisposeAsync();
    }

    protected static NewCase Sample(string key, string office = "office-a", Uri? webhook = null, CaseKind kind = CaseKind.LegalAid) => new(
        key, kind, office, "示例县法律援助中心", "示例县/城关镇/东关村",
        new Applicant("张三", "13812345678", "老板拖欠三个月工资共 1.2 万元"),
        new Dictionary<string, string> { ["事项"] = "请求支付劳动报酬", ["经济困难"] = "免予核查（进城务工人员讨薪）" },
        Start, "consent-v1", "conv-1", "webchat", webhook);

    [Fact]
    public async Task A_filed_case_reads_back_whole_with_its_first_history_entry()
    {
        var created = await Store.CreateAsync(Sample("k1", webhook: Hook), default);
        Assert.True(created.Created);
        Assert.Matches("^FY-261122-[2-9A-Z]{4}$", created.Case.Reference);

        var c = await Store.GetAsync(created.Case.Reference, default);
        Assert.NotNull(c);
        Assert.Equal(CaseStatus.Submitted, c.Status);
        Assert.Equal(new Applicant("张三", "13812345678", "老板拖欠三个月工资共 1.2 万元"), c.Applicant);
        Assert.Equal("请求支付劳动报酬", c.Details["事项"]);
        Assert.Equal(("示例县/城关镇/东关村", "consent-v1", Start), (c.Area, c.ConsentVersion, c.ConsentAt));
        var e = Assert.Single(await Store.GetHistoryAsync(c.Reference, default));
        Assert.Equal((null, CaseStatus.Submitted, "citizen"), (e.From, e.To, e.Actor));
        var n = Assert.Single(await Store.ListNotificationsAsync(c.Reference, default));
        Assert.Equal(Hook, n.Target);
        Assert.Contains("138****5678", n.Body, StringComparison.Ordinal);
        Assert.DoesNotContain("13812345678", n.Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_retried_confirmation_never_files_a_second_case()
    {
        var first = await Store.CreateAsync(Sample("same", webhook: Hook), default);
        var again = await Store.CreateAsync(Sample("same", webhook: Hook), default);
        Assert.False(again.Created);
        Assert.Equal(first.Case.Reference, again.Case.Reference);

        var racing = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Store.CreateAsync(Sample("race"), default)));
        Assert.Single(racing, r => r.Created);
        Assert.Single(racing.Select(r => r.Case.Reference).Distinct());

        Assert.Equal(2, (await Store.ListAsync(new CaseQuery(), default)).Count);
        Assert.Single(await Store.ListNotificationsAsync(null, default));
    }

    [Fact]
    public async Task Personal_fields_are_encrypted_at_rest()
    {
        var c = (await Store.CreateAsync(Sample("enc"), default)).Case;
        await Store.ChangeStatusAsync(c.Reference, CaseStatus.Claimed, "worker-1", "已电话联系 13812345678", default);
        await using var conn = await Db.OpenAsync(default);
        await using var cmd = conn.CreateCommand();
        cmd.CommandText = "SELECT name_enc || mobile_enc || description_enc || details || area FROM cases";
        var row = (string)(await cmd.ExecuteScalarAsync())!;
        Assert.DoesNotContain("张三", row, StringComparison.Ordinal);
        Assert.DoesNotContain("13812345678", row, StringComparison.Ordinal);
        Assert.DoesNotContain("工资", row.Replace("请求支付劳动报酬", "", StringComparison.Ordinal).Replace("讨薪", "", StringComparison.Ordinal), StringComparison.Ordinal);
        cmd.CommandText = "SELECT note_enc FROM case_events WHERE note_enc IS NOT NULL";
        Assert.StartsWith("v1.", (string)(await cmd.ExecuteScalarAsync())!, StringComparison.Ordinal);
        Assert.Equal("已电话联系 13812345678", (await Store.GetHistoryAsync(c.Reference, default))[^1].Note);
    }

    [Fact]
    public async Task Status_follows_the_lifecycle_with_history_and_one_claim_wins()
    {
        var c = (await Store.CreateAsync(Sample("life"), default)).Case;
        await Assert.ThrowsAsync<CaseUpdateException>(() => Store.ChangeStatusAsync(c.Reference, CaseStatus.Closed, "w1", null, default));
        Time.Advance(TimeSpan.FromMinutes(5));
        var claimed = await Store.ChangeStatusAsync(c.Reference, CaseStatus.Claimed, "w1", "我来办", default);
        Assert.Equal(("w1", CaseStatus.Claimed, Start.AddMinutes(5)), (claimed.AssignedTo, claimed.Status, claimed.UpdatedAt));
        await Assert.ThrowsAsync<CaseUpdateException>(() => Store.ChangeStatusAsync(c.Reference, CaseStatus.Claimed, "w2", null, default));
        await Store.ChangeStatusAsync(c.Reference, CaseStatus.InProgress, "w1", "已指派律师", default);
        var closed = await Store.ChangeStatusAsync(c.Reference, CaseStatus.Closed, "w1", "已结案", default);
        Assert.Equal("w1", closed.AssignedTo);
        var history = await Store.GetHistoryAsync(c.Reference, default);
        Assert.Equal([CaseStatus.Submitted, CaseStatus.Claimed, CaseStatus.InProgress, CaseStatus.Closed], history.Select(h => h.To));
        Assert.Equal([null, "我来办", "已指派律师", "已结案"], history.Select(h => h.Note));
        await Assert.ThrowsAsync<CaseUpdateException>(() => Store.ChangeStatusAsync("FY-000000-XXXX", CaseStatus.Claimed, "w1", null, default));

        var racer = (await Store.CreateAsync(Sample("race-claim"), default)).Case;
        var outcomes = await Task.WhenAll(Enumerable.Range(0, 6).Select(async i =>
        {
            try { await Store.ChangeStatusAsync(racer.Reference, CaseStatus.Claimed, "w" + i, null, default); return true; }
            catch (CaseUpdateException) { return false; }
        }));
        Assert.Single(outcomes, o => o);
        Assert.Equal(2, (await Store.GetHistoryAsync(racer.Reference, default)).Count);
    }

    [Fact]
    public async Task Lists_filter_by_office_and_status_newest_first()
    {
        var a1 = (await Store.CreateAsync(Sample("a1", "office-a"), default)).Case;
        Time.Advance(TimeSpan.FromSeconds(1));
        var a2 = (await Store.CreateAsync(Sample("a2", "office-a"), default)).Case;
        await Store.CreateAsync(Sample("b1", "office-b", kind: CaseKind.Mediation), default);
        await Store.ChangeStatusAsync(a1.Reference, CaseStatus.Claimed, "w", null, default);

        Assert.Equal([a2.Reference, a1.Reference], (await Store.ListAsync(new CaseQuery("office-a"), default)).Select(c => c.Reference));
        Assert.Equal([a1.Reference], (await Store.ListAsync(new CaseQuery("office-a", CaseStatus.Claimed), default)).Select(c => c.Reference));
        var b = Assert.Single(await Store.ListAsync(new CaseQuery("office-b"), default));
        Assert.Equal(CaseKind.Mediation, b.Kind);
        Assert.StartsWith("TJ-", b.Reference, StringComparison.Ordinal);
        Assert.Equal(3, (await Store.ListAsync(new CaseQuery(), default)).Count);
    }

    [Fact]
    public async Task Notifications_are_leased_retried_later_and_never_resent_once_delivered()
    {
        await Store.CreateAsync(Sample("n1", webhook: Hook), default);
        var first = Assert.Single(await Store.LeaseDueNotificationsAsync(TimeSpan.FromSeconds(30), 10, default));
        Assert.Empty(await Store.LeaseDueNotificationsAsync(TimeSpan.FromSeconds(30), 10, default));

        await Store.MarkFailedAsync(first.Id, "connection refused", Time.GetUtcNow().AddSeconds(10), default);
        Assert.Empty(await Store.LeaseDueNotificationsAsync(TimeSpan.FromSeconds(30), 10, default));
        Time.Advance(TimeSpan.FromSeconds(11));
        var retry = Assert.Single(await Store.LeaseDueNotificationsAsync(TimeSpan.FromSeconds(30), 10, default));
        Assert.Equal((first.Id, 1, "connection refused"), (retry.Id, retry.Attempts, retry.LastError));

        await Store.MarkDeliveredAsync(retry.Id, default);
        Time.Advance(TimeSpan.FromHours(1));
        Assert.Empty(await Store.LeaseDueNotificationsAsync(TimeSpan.FromSeconds(30), 10, default));
        var n = Assert.Single(await Store.ListNotificationsAsync(null, default));
        Assert.Equal((2, (string?)null), (n.Attempts, n.LastError));
        Assert.NotNull(n.DeliveredAt);

        // An expired lease (a dispatcher that died mid-send) makes the notification due again.
        await Store.CreateAsync(Sample("n2", "office-b", Hook), default);
        Assert.Single(await Store.LeaseDueNotificationsAsync(TimeSpan.FromSeconds(30), 10, default));
        Time.Advance(TimeSpan.FromSeconds(31));
        Assert.Single(await Store.LeaseDueNotificationsAsync(TimeSpan.FromSeconds(30), 10, default));
    }

    [Fact]
    public async Task Closing_a_mediation_case_keeps_its_outcome_and_legal_aid_takes_none()
    {
        var mediation = (await Store.CreateAsync(Sample("m1", kind: CaseKind.Mediation), default)).Case;
        var aid = (await Store.CreateAsync(Sample("a1"), default)).Case;
        Assert.Null(mediation.Outcome);
        await Store.ChangeStatusAsync(mediation.Reference, CaseStatus.Claimed, "w", null, default);
        await Store.ChangeStatusAsync(aid.Reference, CaseStatus.Claimed, "w", null, default);

        var closed = await Store.CloseAsync(mediation.Reference, "w", "双方签订调解协议", MediationOutcome.Succeeded, default);
        Assert.Equal((CaseStatus.Closed, MediationOutcome.Succeeded), (closed.Status, closed.Outcome));
        Assert.Equal(MediationOutcome.Succeeded, (await Store.ListAsync(new CaseQuery(Status: CaseStatus.Closed), default)).Single().Outcome);
        Assert.Equal(CaseStatus.Closed, (await Store.GetHistoryAsync(mediation.Reference, default))[^1].To);

        await Assert.ThrowsAsync<CaseUpdateException>(() => Store.CloseAsync(aid.Reference, "w", null, MediationOutcome.Failed, default));
        Assert.Equal(CaseStatus.Claimed, (await Store.GetAsync(aid.Reference, default))!.Status);
        var aidClosed = await Store.CloseAsync(aid.Reference, "w", null, null, default);
        Assert.Equal((CaseStatus.Closed, (MediationOutcome?)null), (aidClosed.Status, aidClosed.Outcome));
    }

    [Fact]
    public async Task A_database_from_before_outcomes_gains_the_column_and_keeps_its_cases()
    {
        var old = (await Store.CreateAsync(Sample("before", kind: CaseKind.Mediation), default)).Case;
        await using (var c = await Db.OpenAsync(default))
        await using (var drop = c.CreateCommand())
        {
            drop.CommandText = "ALTER TABLE cases DROP COLUMN mediation_outcome";
            await drop.ExecuteNonQueryAsync();
        }
        var reopened = await SqlCaseStore.OpenAsync(Db, _protector, Time, default);
        Assert.Equal(old.Applicant, (await reopened.GetAsync(old.Reference, default))!.Applicant);
        await reopened.ChangeStatusAsync(old.Reference, CaseStatus.Claimed, "w", null, default);
        Assert.Equal(MediationOutcome.Failed, (await reopened.CloseAsync(old.Reference, "w", null, MediationOutcome.Failed, default)).Outcome);
        // Opening again is a no-op on a database that already has the column.
        Assert.Equal(MediationOutcome.Failed, (await (await SqlCaseStore.OpenAsync(Db, _protector, Time, default)).GetAsync(old.Reference, default))!.Outcome);
    }

    [Fact]
    public async Task Purge_erases_personal_data_of_finished_cases_past_retention_only()
    {
        var old = (await Store.CreateAsync(Sample("old", webhook: Hook), default)).Case;
        var open = (await Store.CreateAsync(Sample("open"), default)).Case;
        await Store.ChangeStatusAsync(old.Reference, CaseStatus.Claimed, "w", null, default);
        await Store.ChangeStatusAsync(old.Reference, CaseStatus.Closed, "w", "联系了 13812345678", default);
        Time.Advance(TimeSpan.FromDays(400));
        var recent = (await Store.CreateAsync(Sample("recent"), default)).Case;
        await Store.ChangeStatusAsync(recent.Reference, CaseStatus.Referred, "w", null, default);

        Assert.Equal(1, await Store.PurgeAsync(Time.GetUtcNow().AddDays(-365), default));
        var purged = await Store.GetAsync(old.Reference, default);
        Assert.Null(purged!.Applicant);
        Assert.NotNull(purged.PurgedAt);
        Assert.All(await Store.GetHistoryAsync(old.Reference, default), e => Assert.Null(e.Note));
        Assert.Equal("", Assert.Single(await Store.ListNotificationsAsync(old.Reference, default)).Body);
        Assert.NotNull((await Store.GetAsync(open.Reference, default))!.Applicant);
        Assert.NotNull((await Store.GetAsync(recent.Reference, default))!.Applicant);
        Assert.Equal(0, await Store.PurgeAsync(Time.GetUtcNow().AddDays(-365), default));
    }
}

public sealed class SqliteCaseStoreTests : CaseStoreContract
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "legalbot-cases-" + Guid.NewGuid().ToString("N"));

    protected override Task<CaseDatabase> CreateDatabaseAsync() =>
        Task.FromResult<CaseDatabase>(new SqliteCaseDatabase(Path.Combine(_dir, "cases.db")));

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try { Directory.Delete(_dir, recursive: true); } catch (IOException) { }
    }
}

/// <summary>Needs LEGALBOT_TEST_POSTGRES (a connection string); each test gets its own schema.</summary>
[Trait("Category", "Postgres")]
public sealed class PostgresCaseStoreTests : CaseStoreContract
{
    private readonly string _schema = "t_" + Guid.NewGuid().ToString("N");
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
