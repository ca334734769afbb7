using System.Data.Common;
using LegalBot.Cases.Privacy;

namespace LegalBot.Cases.Storage;

/// <summary>
/// The plumbing of the small SQL stores (activity, audit, publicity, …): a SQLite file under the data folder by default,
/// the shared PostgreSQL when instances share data. Both dialects run the same statements; only the schema's identity
/// column differs, written <c>{id}</c> in the DDL template. On SQLite writes go through the database's <see cref="GroupCommit"/>
/// (SQLite allows one writer, and queueing beats busy-retry; concurrent writes share a commit); PostgreSQL needs none.
/// </summary>
public sealed class SqlStore : IAsyncDisposable
{
    private const string IdToken = "{id}";

    private readonly Func<CancellationToken, Task<DbConnection>> _connect;
    private readonly GroupCommit? _writes;
    private readonly IAsyncDisposable? _owned;

    private SqlStore(Func<CancellationToken, Task<DbConnection>> connect, GroupCommit? writes, IAsyncDisposable? owned)
    {
        _connect = connect;
        _writes = writes;
        _owned = owned;
    }

    /// <summary>Opens (and creates) a private SQLite file in WAL mode and runs the schema.</summary>
    /// <param name="schemaTemplate">Idempotent DDL (IF NOT EXISTS), with <c>{id}</c> for the auto-numbered key.</param>
    /// <param name="sqliteExtra">DDL for SQLite only (triggers), run after the schema.</param>
    public static async Task<SqlStore> OpenSqliteAsync(string databasePath, string schemaTemplate, CancellationToken cancellationToken, string sqliteExtra = "")
    {
        DataFiles.EnsurePrivate(databasePath);
        var cs = Sqlite.ConnectionString(databasePath);
        // Reads need no synchronous pragma (it only governs commits).
        var store = new SqlStore(async ct => await Sqlite.OpenReadAsync(cs, ct).ConfigureAwait(false),
            new GroupCommit(async ct => await Sqlite.OpenAsync(cs, ct).ConfigureAwait(false)), null);
        // Not queued: the journal mode cannot change inside a transaction.
        await using var c = await Sqlite.OpenAsync(cs, cancellationToken).ConfigureAwait(false);
        await using var cmd = Command(c, null, "PRAGMA journal_mode = WAL;" + Schema(schemaTemplate, "INTEGER PRIMARY KEY AUTOINCREMENT") + sqliteExtra, []);
        await cmd.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        return store;
    }

    /// <summary>Tables are made on first use, so a database that is still starting does not stop the service.</summary>
    /// <param name="lockId">The store's own advisory lock number (see <see cref="PostgresSchema"/>).</param>
    /// <param name="postgresExtra">DDL for PostgreSQL only (functions, triggers), run after the schema.</param>
    public static SqlStore OpenPostgres(string connectionString, long lockId, string schemaTemplate, string postgresExtra = "")
    {
        var tables = PostgresTablesOf(lockId, schemaTemplate, postgresExtra);
        var schema = new PostgresSchema(connectionString, tables.LockId, tables.Schema);
        return new SqlStore(async ct => await schema.OpenAsync(ct).ConfigureAwait(false), null, schema);
    }

    /// <summary>The PostgreSQL DDL of a store's template with its lock, for a store that writes these tables in its own batches.</summary>
    public static PostgresTables PostgresTablesOf(long lockId, string schemaTemplate, string postgresExtra = "") =>
        new(lockId, Schema(schemaTemplate, "BIGSERIAL PRIMARY KEY") + postgresExtra);

    /// <summary>Runs a statement of this store as the one writer.</summary>
    public Task<int> WriteAsync(SqlStatement statement, CancellationToken cancellationToken) =>
        WriteAsync(statement.Sql, [.. statement.Parameters], cancellationToken);

    private static string Schema(string template, string identity) => template.Replace(IdToken, identity, StringComparison.Ordinal);

    /// <summary>Runs a statement as the one writer; returns the rows affected.</summary>
    public Task<int> WriteAsync(string sql, (string Name, object? Value)[] parameters, CancellationToken cancellationToken) =>
        WithWriterAsync(async (c, tx, ct) =>
        {
            await using var cmd = Command(c, tx, sql, parameters);
            return await cmd.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
        }, cancellationToken);

    /// <summary>Runs a statement as the one writer for its first value (<c>RETURNING id</c>).</summary>
    public Task<object?> WriteScalarAsync(string sql, (string Name, object? Value)[] parameters, CancellationToken cancellationToken) =>
        WithWriterAsync(async (c, tx, ct) =>
        {
            await using var cmd = Command(c, tx, sql, parameters);
            return await cmd.ExecuteScalarAsync(ct).ConfigureAwait(false);
        }, cancellationToken);

    public async Task<IReadOnlyList<T>> QueryAsync<T>(string sql, (string Name, object? Value)[] parameters, Func<DbDataReader, T> read, CancellationToken cancellationToken)
    {
        await using var c = await _connect(cancellationToken).ConfigureAwait(false);
        await using var cmd = Command(c, null, sql, parameters);
        await using var r = await cmd.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var list = new List<T>();
        while (await r.ReadAsync(cancellationToken).ConfigureAwait(false)) list.Add(read(r));
        return list;
    }

    private async Task<T> WithWriterAsync<T>(Func<DbConnection, DbTransaction?, CancellationToken, Task<T>> write, CancellationToken cancellationToken)
    {
        if (_writes is not null) return await _writes.RunAsync((c, tx) => write(c, tx, CancellationToken.None), cancellationToken).ConfigureAwait(false);
        await using var c = await _connect(cancellationToken).ConfigureAwait(false);
        return await write(c, null, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Parameters are named without the <c>@</c>. A null is sent as a typed NULL text: an untyped one is ambiguous
    /// to PostgreSQL, and every nullable column of these stores is text.</summary>
    private static DbCommand Command(DbConnection c, DbTransaction? tx, string sql, (string Name, object? Value)[] parameters)
    {
        var cmd = c.CreateCommand();
        cmd.Transaction = tx;
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

    public static long Ms(DateTimeOffset t) => t.ToUnixTimeMilliseconds();

    public static DateTimeOffset At(long ms) => DateTimeOffset.FromUnixTimeMilliseconds(ms);

    public async ValueTask DisposeAsync()
    {
        if (_owned is not null) await _owned.DisposeAsync().ConfigureAwait(false);
    }
}
