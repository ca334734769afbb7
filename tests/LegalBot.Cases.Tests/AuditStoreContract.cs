using System.Data.Common;
using LegalBot.Cases.Audit;

namespace LegalBot.Cases.Tests;

/// <summary>What every audit store must do: keep entries as written, filter them, refuse changes, purge only what is past retention.</summary>
public abstract class AuditStoreContract : IAsyncLifetime
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 3, 2, 0, 0, TimeSpan.Zero);
    private SqlAuditStore? _store;

    protected ManualTime Time { get; } = new(T0);

    protected abstract Task<SqlAuditStore> CreateAsync(int retentionDays);

    /// <summary>Runs SQL straight on the store's database, as someone bypassing the store would.</summary>
    protected abstract Task<int> ExecuteRawAsync(string sql);

    public virtual Task InitializeAsync() => Task.CompletedTask;

    public virtual async Task DisposeAsync()
    {
        if (_store is not null) await _store.DisposeAsync();
    }

    private async Task<SqlAuditStore> StoreAsync(int retentionDays = 365) => _store ??= await CreateAsync(retentionDays);

    [Fact]
    public async Task Entries_read_back_newest_first_and_filter_by_time_and_worker()
    {
        var store = await StoreAsync();
        await store.AppendAsync(new AuditEntry(T0, "张老师", "office-a", AuditActions.CaseView, "FY-261203-ABCD", null), default);
        await store.AppendAsync(new AuditEntry(T0.AddHours(1), "李老师", "*", AuditActions.CaseExport, "status=closed", "3"), default);
        await store.AppendAsync(new AuditEntry(T0.AddDays(2), "张老师", "office-a", AuditActions.CaseStatus, "FY-261203-ABCD", "claimed"), default);

        var all = await store.ListAsync(new AuditQuery(), default);
        Assert.Equal([AuditActions.CaseStatus, AuditActions.CaseExport, AuditActions.CaseView], all.Select(e => e.Action));
        Assert.Equal(new AuditEntry(T0.AddHours(1), "李老师", "*", AuditActions.CaseExport, "status=closed", "3"), all[1]);
        Assert.Null(all[2].Detail);

        Assert.Equal(["claimed", null], (await store.ListAsync(new AuditQuery(Worker: "张老师"), default)).Select(e => e.Detail));
        var firstDay = await store.ListAsync(new AuditQuery(From: T0, To: T0.AddDays(1)), default);
        Assert.Equal(["李老师", "张老师"], firstDay.Select(e => e.Worker));
        Assert.Equal(["李老师"], (await store.ListAsync(new AuditQuery(From: T0.AddMinutes(1), To: T0.AddDays(1)), default)).Select(e => e.Worker));
        Assert.Single(await store.ListAsync(new AuditQuery(Limit: 1), default));
    }

    [Fact]
    public async Task An_entry_cannot_be_changed_even_in_SQL()
    {
        var store = await StoreAsync();
        await store.AppendAsync(new AuditEntry(T0, "张老师", "office-a", AuditActions.CaseView, "FY-261203-ABCD", null), default);
        await Assert.ThrowsAnyAsync<DbException>(() => ExecuteRawAsync("UPDATE staff_audit SET worker = '别人'"));
        Assert.Equal("张老师", Assert.Single(await store.ListAsync(new AuditQuery(), default)).Worker);
    }

    [Fact]
    public async Task The_purge_removes_only_entries_older_than_the_retention()
    {
        var store = await StoreAsync(400);
        await store.AppendAsync(new AuditEntry(T0, "old", "office-a", AuditActions.CaseView, "a", null), default);
        await store.AppendAsync(new AuditEntry(T0.AddDays(30), "young", "office-a", AuditActions.CaseView, "b", null), default);

        Time.Advance(TimeSpan.FromDays(399));
        Assert.Equal(0, await store.PurgeExpiredAsync(default));
        Time.Advance(TimeSpan.FromDays(2));
        Assert.Equal(1, await store.PurgeExpiredAsync(default));
        Assert.Equal(["young"], (await store.ListAsync(new AuditQuery(), default)).Select(e => e.Worker));
    }

    [Fact]
    public async Task A_retention_under_a_year_is_refused() =>
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => CreateAsync(364));
}

public sealed class SqliteAuditStoreTests : AuditStoreContract
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "legalbot-audit-" + Guid.NewGuid().ToString("N"));
    private string DbPath => Path.Combine(_dir, "audit.db");

    protected override Task<SqlAuditStore> CreateAsync(int retentionDays)
    {
        Directory.CreateDirectory(_dir);
        return SqlAuditStore.OpenSqliteAsync(DbPath, Time, retentionDays, default);
    }

    protected override async Task<int> ExecuteRawAsync(string sql)
    {
        await using var c = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={DbPath}");
        await c.OpenAsync();
        await using var cmd = c.CreateCommand();
        cmd.CommandText = sql;
        return await cmd.ExecuteNonQueryAsync();
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
public sealed class PostgresAuditStoreTests : AuditStoreContract
{
    private readonly string _schema = "au_" + Guid.NewGuid().ToString("N");
    private static string Admin => Environment.GetEnvironmentVariable("LEGALBOT_TEST_POSTGRES")
        ?? throw new InvalidOperationException("LEGALBOT_TEST_POSTGRES is not set: run the tests with tests/run.sh, which starts PostgreSQL when it is installed");
    private string Scoped => new Npgsql.NpgsqlConnectionStringBuilder(Admin) { SearchPath = _schema }.ConnectionString;

    public override async Task InitializeAsync() => await RunAsync(Admin, $"CREATE SCHEMA {_schema}");

    protected override Task<SqlAuditStore> CreateAsync(int retentionDays) => Task.FromResult(SqlAuditStore.OpenPostgres(Scoped, Time, retentionDays));

    protected override Task<int> ExecuteRawAsync(string sql) => RunAsync(Scoped, sql);

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        await RunAsync(Admin, $"DROP SCHEMA IF EXISTS {_schema} CASCADE");
    }

    private static async Task<int> RunAsync(string connectionString, string sql)
    {
        await using var c = new Npgsql.NpgsqlConnection(connectionString);
        await c.OpenAsync();
        await using var cmd = new Npgsql.NpgsqlCommand(sql, c);
        return await cmd.ExecuteNonQueryAsync();
    }
}
