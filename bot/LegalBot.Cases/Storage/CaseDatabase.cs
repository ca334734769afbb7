using System.Data.Common;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace LegalBot.Cases.Storage;

/// <summary>
/// What differs between the SQL databases cases can live in. Everything else (schema, queries) is shared
/// ANSI SQL in <see cref="SqlCaseStore"/>, so both backends pass one test suite.
/// </summary>
public abstract class CaseDatabase : IAsyncDisposable
{
    public abstract string Name { get; }

    /// <summary>Column definition of an auto-numbered primary key.</summary>
    public abstract string IdentityColumn { get; }

    public abstract ValueTask<DbConnection> OpenAsync(CancellationToken cancellationToken);

    public abstract bool IsUniqueViolation(DbException exception);

    /// <summary>Adds a nullable column an older database lacks (a migration); a no-op when it is there.</summary>
    public abstract Task AddColumnIfMissingAsync(DbConnection connection, string table, string column, string type, CancellationToken cancellationToken);

    protected static async Task ExecAsync(DbConnection connection, string sql, CancellationToken cancellationToken)
    {
        await using var cmd = connection.CreateCommand();
        cmd.CommandText = sql;
        await cmd.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Serialises writers where the database allows only one (SQLite); a no-op elsewhere.</summary>
    public virtual ValueTask<IDisposable> EnterWriteAsync(CancellationToken cancellationToken) => ValueTask.FromResult<IDisposable>(NoLock.Instance);

    public virtual ValueTask DisposeAsync()
    {
        GC.SuppressFinalize(this);
        return ValueTask.CompletedTask;
    }

    private sealed class NoLock : IDisposable
    {
        public static readonly NoLock Instance = new();
        public void Dispose() { }
    }
}

/// <summary>The default: one SQLite file (WAL) under the data directory.</summary>
public sealed class SqliteCaseDatabase : CaseDatabase
{
    private readonly string _connectionString;
    private readonly SemaphoreSlim _writeLock = new(1, 1);

    public SqliteCaseDatabase(string path)
    {
        Privacy.DataFiles.EnsurePrivate(path);
        _connectionString = new SqliteConnectionStringBuilder { DataSource = path, Mode = SqliteOpenMode.ReadWriteCreate, Pooling = true, DefaultTimeout = 10 }.ToString();
    }

    public override string Name => "sqlite";
    public override string IdentityColumn => "INTEGER PRIMARY KEY AUTOINCREMENT";

    public override async ValueTask<DbConnection> OpenAsync(CancellationToken cancellationToken)
    {
        var c = new SqliteConnection(_connectionString);
        await c.OpenAsync(cancellationToken).ConfigureAwait(false);
        await Sqlite.ConfigureAsync(c, "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL;", cancellationToken).ConfigureAwait(false);
        return c;
    }

    public override bool IsUniqueViolation(DbException exception) =>
        exception is SqliteException { SqliteErrorCode: 19 }; // SQLITE_CONSTRAINT

    // SQLite has no ADD COLUMN IF NOT EXISTS; one process owns the file, so check then add.
    public override async Task AddColumnIfMissingAsync(DbConnection connection, string table, string column, string type, CancellationToken cancellationToken)
    {
        await using var cmd = connection.CreateCommand();
        cmd.CommandText = $"SELECT COUNT(*) FROM pragma_table_info('{table}') WHERE name = '{column}'";
        if (Convert.ToInt64(await cmd.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false), System.Globalization.CultureInfo.InvariantCulture) == 0)
            await ExecAsync(connection, $"ALTER TABLE {table} ADD COLUMN {column} {type}", cancellationToken).ConfigureAwait(false);
    }

    public override async ValueTask<IDisposable> EnterWriteAsync(CancellationToken cancellationToken)
    {
        await _writeLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        return new Release(_writeLock);
    }

    public override ValueTask DisposeAsync()
    {
        _writeLock.Dispose();
        return base.DisposeAsync();
    }

    private sealed class Release(SemaphoreSlim semaphore) : IDisposable
    {
        public void Dispose() => semaphore.Release();
    }
}

/// <summary>PostgreSQL through Npgsql, for several bot instances sharing one case database.</summary>
public sealed class PostgresCaseDatabase(string connectionString) : CaseDatabase
{
    private readonly NpgsqlDataSource _source = Postgres.DataSource(connectionString);

    /// <summary>As configured: a store given the same string shares this database (and may batch with it).</summary>
    public string ConnectionString { get; } = connectionString;

    public override string Name => "postgresql";
    public override string IdentityColumn => "BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY";

    public override async ValueTask<DbConnection> OpenAsync(CancellationToken cancellationToken) =>
        await _source.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);

    public override bool IsUniqueViolation(DbException exception) =>
        exception is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation };

    public override Task AddColumnIfMissingAsync(DbConnection connection, string table, string column, string type, CancellationToken cancellationToken) =>
        ExecAsync(connection, $"ALTER TABLE {table} ADD COLUMN IF NOT EXISTS {column} {type}", cancellationToken);

    public override async ValueTask DisposeAsync()
    {
        await _source.DisposeAsync().ConfigureAwait(false);
        await base.DisposeAsync().ConfigureAwait(false);
    }
}
