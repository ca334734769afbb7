using LegalBot.Cases.Storage;

namespace LegalBot.Cases.Audit;

/// <summary>
/// The audit log over SQL: <c>{DataPath}/audit.db</c> by default, the shared PostgreSQL case database when cases live
/// there. The table refuses UPDATE (a trigger in both dialects), and the store issues only INSERT, SELECT and the
/// retention DELETE, whose cutoff it computes itself so no caller can delete younger entries. Times are Unix ms.
/// </summary>
public sealed class SqlAuditStore : IAuditStore, IAsyncDisposable
{
    private const string Table = """
        CREATE TABLE IF NOT EXISTS staff_audit (id {id}, at BIGINT NOT NULL, worker TEXT NOT NULL, office TEXT NOT NULL,
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

    private readonly SqlStore _db;
    private readonly TimeProvider _time;
    private readonly int _retentionDays;

    private SqlAuditStore(SqlStore db, TimeProvider time, int retentionDays)
    {
        _db = db;
        _time = time;
        _retentionDays = retentionDays;
    }

    public static async Task<SqlAuditStore> OpenSqliteAsync(string databasePath, TimeProvider time, int retentionDays, CancellationToken cancellationToken)
    {
        CheckRetention(retentionDays);
        return new(await SqlStore.OpenSqliteAsync(databasePath, Table, cancellationToken, SqliteAppendOnly).ConfigureAwait(false), time, retentionDays);
    }

    /// <summary>Tables are made on first use, so a database that is still starting does not stop the service.</summary>
    public static SqlAuditStore OpenPostgres(string connectionString, TimeProvider time, int retentionDays)
    {
        CheckRetention(retentionDays);
        return new(SqlStore.OpenPostgres(connectionString, 7283451923, Table, PostgresAppendOnly), time, retentionDays);
    }

    private static void CheckRetention(int retentionDays) =>
        ArgumentOutOfRangeException.ThrowIfLessThan(retentionDays, IAuditStore.MinimumRetentionDays);

    public async Task AppendAsync(AuditEntry entry, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(entry.Worker);
        ArgumentException.ThrowIfNullOrWhiteSpace(entry.Action);
        await _db.WriteAsync("INSERT INTO staff_audit (at, worker, office, action, target, detail) VALUES (@at, @worker, @office, @action, @target, @detail)",
            [("at", SqlStore.Ms(entry.At)), ("worker", entry.Worker), ("office", entry.Office), ("action", entry.Action), ("target", entry.Target), ("detail", entry.Detail)],
            cancellationToken).ConfigureAwait(false);
    }

    public async Task<IReadOnlyList<AuditEntry>> ListAsync(AuditQuery query, CancellationToken cancellationToken)
    {
        // Only the filters given become SQL: untyped NULL parameters are ambiguous to PostgreSQL.
        var where = new List<string>();
        var parameters = new List<(string, object?)> { ("limit", Math.Clamp(query.Limit, 1, 10_000)) };
        if (query.From is { } from) { where.Add("at >= @from"); parameters.Add(("from", SqlStore.Ms(from))); }
        if (query.To is { } to) { where.Add("at < @to"); parameters.Add(("to", SqlStore.Ms(to))); }
        if (!string.IsNullOrEmpty(query.Worker)) { where.Add("worker = @worker"); parameters.Add(("worker", query.Worker)); }
        var sql = "SELECT at, worker, office, action, target, detail FROM staff_audit"
            + (where.Count > 0 ? " WHERE " + string.Join(" AND ", where) : "") + " ORDER BY at DESC, id DESC LIMIT @limit";
        return await _db.QueryAsync(sql, [.. parameters],
            r => new AuditEntry(SqlStore.At(r.GetInt64(0)), r.GetString(1), r.GetString(2), r.GetString(3), r.GetString(4), r.IsDBNull(5) ? null : r.GetString(5)),
            cancellationToken).ConfigureAwait(false);
    }

    public Task<int> PurgeExpiredAsync(CancellationToken cancellationToken) =>
        _db.WriteAsync("DELETE FROM staff_audit WHERE at < @cutoff", [("cutoff", SqlStore.Ms(_time.GetUtcNow().AddDays(-_retentionDays)))], cancellationToken);

    public ValueTask DisposeAsync() => _db.DisposeAsync();
}
