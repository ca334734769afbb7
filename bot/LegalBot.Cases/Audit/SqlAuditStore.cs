using System.Data.Common;
using LegalBot.Cases.Privacy;
using LegalBot.Cases.Storage;
using Microsoft.Data.Sqlite;

namespace LegalBot.Cases.Audit;

/// <summary>
/// The audit log over SQL: <c>{DataPath}/audit.db</c> by default, the shared PostgreSQL case database when cases live
/// there. The table refuses UPDATE (a trigger in both dialects), and the store issues only INSERT, SELECT and the
/// retention DELETE, whose cutoff it computes itself so no caller can delete younger entries. Times are Unix ms.
/// </summary>
public sealed class SqlAuditStore : IAuditStore, IAsyncDisposable
{
    private const string Table = """
        CREATE TABLE IF NOT EXISTS staff_audit (id {0}, at BIGINT NOT NULL, worker TEXT NOT NULL, office TEXT NOT NULL,
            action TEXT NOT NULL, target TEXT NOT NULL, detail TEXT);
        CREATE INDEX IF NOT EXISTS staff_audit_by_time ON staff_audit (at);
        CREATE INDEX IF NOT EXISTS staff_audit_by_worker ON staff_audit (worker, at);
        """;

    private const string SqliteAppendOnly = """
        CREATE TRIGGER IF NOT EXISTS staff_audit_no_update BEFORE UPDATE ON staff_audit
        BEGIN SELECT RAISE(ABORT, 'staff_audit is append-only'); END;
        """;

    private const string PostgresAppendOnly = """
        CREATE OR REPLACE FUNCTION staff_audit_append_only() RETURNS trigger LANGUAGE plpgsql AS
        $$ BEGIN RAISE EXCEPTION 'staff_audit is append-only'; END $$;
        CREATE OR REPLACE TRIGGER staff_audit_no_update BEFORE UPDATE ON staff_audit FOR EACH ROW EXECUTE FUNCTION staff_audit_append_only();
        CREATE OR REPLACE TRIGGER staff_audit_no_truncate BEFORE TRUNCATE ON staff_audit FOR EACH STATEMENT EXECUTE FUNCTION staff_audit_append_only();
        """;

    private readonly Func<CancellationToken, Task<DbConnection>> _connect;
    private readonly SemaphoreSlim? _writeLock;
    private readonly IAsyncDisposable? _owned;
    private readonly TimeProvider _time;
    private readonly int _retentionDays;

    private SqlAuditStore(Func<CancellationToken, Task<DbConnection>> connect, SemaphoreSlim? writeLock, IAsyncDisposable? owned, TimeProvider time, int retentionDays)
    {
        _connect = connect;
        _writeLock = writeLock;
        _owned = owned;
        _time = time;
        _retentionDays = retentionDays;
    }

    public static async Task<SqlAuditStore> OpenSqliteAsync(string databasePath, TimeProvider time, int retentionDays, CancellationToken cancellationToken)
    {
        CheckRetention(retentionDays);
        DataFiles.EnsurePrivate(databasePath);
        var cs = Sqlite.ConnectionString(databasePath);
        async Task<DbConnection> Connect(CancellationToken ct) => await Sqlite.OpenAsync(cs, ct).ConfigureAwait(false);
        // One writer at a time: SQLite allows one, and queueing beats busy-retry.
        var store = new SqlAuditStore(Connect, new SemaphoreSlim(1, 1), null, time, retentionDays);
        await using var c = await Connect(cancellationToken).ConfigureAwait(false);
        await ExecuteAsync(c, "PRAGMA journal_mode = WAL;" + Schema("INTEGER PRIMARY KEY AUTOINCREMENT") + SqliteAppendOnly, [], cancellationToken).ConfigureAwait(false);
        return store;
    }

    /// <summary>Tables are made on first use, so a database that is still starting does not stop the service.</summary>
    public static SqlAuditStore OpenPostgres(string connectionString, TimeProvider time, int retentionDays)
    {
        CheckRetention(retentionDays);
        var schema = new PostgresSchema(connectionString, 7283451923, Schema("BIGSERIAL PRIMARY KEY") + PostgresAppendOnly);
        return new SqlAuditStore(async ct => await schema.OpenAsync(ct).ConfigureAwait(false), null, schema, time, retentionDays);
    }

    private static void CheckRetention(int retentionDays) =>
        ArgumentOutOfRangeException.ThrowIfLessThan(retentionDays, IAuditStore.MinimumRetentionDays);

    private static string Schema(string identity) => Table.Replace("{0}", identity, StringComparison.Ordinal);

    public async Task AppendAsync(AuditEntry entry, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(entry.Worker);
        ArgumentException.ThrowIfNullOrWhiteSpace(entry.Action);
        await WriteAsync("INSERT INTO staff_audit (at, worker, office, action, target, detail) VALUES (@at, @worker, @office, @action, @target, @detail)",
            [("at", Ms(entry.At)), ("worker", entry.Worker), ("office", entry.Office), ("action", entry.Action), ("target", entry.Target), ("detail", entry.Detail)],
            cancellationToken).ConfigureAwait(false);
    }

    public async Task<IReadOnlyList<AuditEntry>> ListAsync(AuditQuery query, CancellationToken cancellationToken)
    {
        // Only the filters given become SQL: untyped NULL parameters are ambiguous to PostgreSQL.
        var where = new List<string>();
        var parameters = new List<(string, object?)> { ("limit", Math.Clamp(query.Limit, 1, 10_000)) };
        if (query.From is { } from) { where.Add("at >= @from"); parameters.Add(("from", Ms(from))); }
        if (query.To is { } to) { where.Add("at < @to"); parameters.Add(("to", Ms(to))); }
        if (!string.IsNullOrEmpty(query.Worker)) { where.Add("worker = @worker"); parameters.Add(("worker", query.Worker)); }
        var sql = "SELECT at, worker, office, action, target, detail FROM staff_audit"
            + (where.Count > 0 ? " WHERE " + string.Join(" AND ", where) : "") + " ORDER BY at DESC, id DESC LIMIT @limit";
        await using var c = await _connect(cancellationToken).ConfigureAwait(false);
        await using var cmd = Command(c, sql, [.. parameters]);
        await using var r = await cmd.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var list = new List<AuditEntry>();
        while (await r.ReadAsync(cancellationToken).ConfigureAwait(false))
            list.Add(new AuditEntry(At(r.GetInt64(0)), r.GetString(1), r.GetString(2), r.GetString(3), r.GetString(4), r.IsDBNull(5) ? null : r.GetString(5)));
        return list;
    }

    public Task<int> PurgeExpiredAsync(CancellationToken cancellationToken) =>
        WriteAsync("DELETE FROM staff_audit WHERE at < @cutoff", [("cutoff", Ms(_time.GetUtcNow().AddDays(-_retentionDays)))], cancellationToken);

    private async Task<int> WriteAsync(string sql, (string, object?)[] parameters, CancellationToken cancellationToken)
    {
        if (_writeLock is not null) await _writeLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await using var c = await _connect(cancellationToken).ConfigureAwait(false);
            return await ExecuteAsync(c, sql, parameters, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _writeLock?.Release();
        }
    }

    private static async Task<int> ExecuteAsync(DbConnection c, string sql, (string, object?)[] parameters, CancellationToken cancellationToken)
    {
        await using var cmd = Command(c, sql, parameters);
        return await cmd.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    private static DbCommand Command(DbConnection c, string sql, (string Name, object? Value)[] parameters)
    {
        var cmd = c.CreateCommand();
        cmd.CommandText = sql;
        foreach (var (name, value) in parameters)
        {
            var p = cmd.CreateParameter();
            p.ParameterName = "@" + name;
            p.Value = value ?? DBNull.Value;
            if (value is null) p.DbType = System.Data.DbType.String;
            cmd.Parameters.Add(p);
        }
        return cmd;
    }

    private static long Ms(DateTimeOffset t) => t.ToUnixTimeMilliseconds();

    private static DateTimeOffset At(long ms) => DateTimeOffset.FromUnixTimeMilliseconds(ms);

    public async ValueTask DisposeAsync()
    {
        if (_owned is not null) await _owned.DisposeAsync().ConfigureAwait(false);
        _writeLock?.Dispose();
    }

}
