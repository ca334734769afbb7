using Npgsql;

namespace LegalBot.Cases.Storage;

/// <summary>The few ADO.NET steps every PostgreSQL store repeats.</summary>
public static class Postgres
{
    /// <summary>Statements every turn repeats (state, answer log, counts) are prepared once per pooled connection instead of being
    /// parsed and planned by the server on each call; an explicit <c>Max Auto Prepare</c> in the connection string wins.</summary>
    public const int AutoPrepared = 64;

    /// <remarks>A pooled connection is not reset when it returns (<c>No Reset On Close</c>, unless the connection string
    /// says otherwise): with prepared statements kept, Npgsql's reset is seven statements (RESET ALL, UNLISTEN *,
    /// pg_advisory_unlock_all(), …) sent ahead of the next command, one batch per statement these stores run, and it
    /// undoes nothing they do: they set no session state, listen to nothing and take only transaction-scoped advisory locks.
    /// A transaction left open is still rolled back when its connection returns.</remarks>
    public static NpgsqlDataSource DataSource(string connectionString)
    {
        var builder = new NpgsqlDataSourceBuilder(connectionString);
        if (builder.ConnectionStringBuilder.MaxAutoPrepare == 0) builder.ConnectionStringBuilder.MaxAutoPrepare = AutoPrepared;
        if (!Sets(connectionString, "noresetonclose")) builder.ConnectionStringBuilder.NoResetOnClose = true;
        return builder.Build();
    }

    /// <summary>Whether the connection string names the keyword (compared without spaces or case).</summary>
    private static bool Sets(string connectionString, string keyword) =>
        new System.Data.Common.DbConnectionStringBuilder { ConnectionString = connectionString }.Keys.Cast<string>()
            .Any(k => string.Equals(k.Replace(" ", "", StringComparison.Ordinal), keyword, StringComparison.OrdinalIgnoreCase));

    public static NpgsqlCommand Command(NpgsqlConnection c, string sql, params (string Name, object Value)[] parameters)
    {
        var cmd = new NpgsqlCommand(sql, c);
        foreach (var (name, value) in parameters) cmd.Parameters.AddWithValue(name, value);
        return cmd;
    }

    public static NpgsqlCommand Command(NpgsqlConnection c, SqlStatement statement)
    {
        var cmd = new NpgsqlCommand(statement.Sql, c);
        foreach (var (name, value) in statement.Parameters) cmd.Parameters.Add(Parameter(name, value));
        return cmd;
    }

    /// <summary>A statement (this store's or another's) as one command of a batch.</summary>
    public static NpgsqlBatchCommand BatchCommand(SqlStatement statement)
    {
        var command = new NpgsqlBatchCommand(statement.Sql);
        foreach (var (name, value) in statement.Parameters) command.Parameters.Add(Parameter(name, value));
        return command;
    }

    // An untyped NULL is ambiguous to PostgreSQL; every nullable column of these stores is text.
    private static NpgsqlParameter Parameter(string name, object? value) =>
        value is null or DBNull ? new NpgsqlParameter(name, NpgsqlTypes.NpgsqlDbType.Text) { Value = DBNull.Value } : new NpgsqlParameter(name, value);

    public static async Task<int> NonQueryAsync(NpgsqlCommand cmd, CancellationToken cancellationToken)
    {
        await using (cmd.ConfigureAwait(false)) return await cmd.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    public static async Task<object?> ScalarAsync(NpgsqlCommand cmd, CancellationToken cancellationToken)
    {
        await using (cmd.ConfigureAwait(false)) return await cmd.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
    }
}

/// <summary>
/// Connections for one store, whose tables are created on first use (so a database that is still starting does not
/// stop the service). Instances starting together would race on CREATE TABLE IF NOT EXISTS (a unique violation in
/// pg_type): a transaction-scoped advisory lock lets one create while the others wait and find the tables there.
/// A store that also writes another store's tables in its batches (the conversation store: the consultation record and
/// the 普法 figures) creates those too, each under its owner's lock, so the two never race.
/// </summary>
public sealed class PostgresSchema : IAsyncDisposable
{
    private readonly NpgsqlDataSource _source;
    private readonly IReadOnlyList<PostgresTables> _tables;
    private readonly SemaphoreSlim _lock = new(1, 1);
    private volatile bool _ready;

    /// <param name="lockId">The store's own advisory lock number.</param>
    /// <param name="schema">Idempotent DDL (IF NOT EXISTS).</param>
    /// <param name="others">Other stores' tables this store writes to, each with its owner's lock.</param>
    public PostgresSchema(string connectionString, long lockId, string schema, params PostgresTables[] others)
    {
        _source = Postgres.DataSource(connectionString);
        _tables = [new PostgresTables(lockId, schema), .. others];
    }

    public async Task<NpgsqlConnection> OpenAsync(CancellationToken cancellationToken)
    {
        var c = await _source.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        if (_ready) return c;
        await _lock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (!_ready)
            {
                // One transaction per owner: a lock is held only while its own tables are made.
                foreach (var tables in _tables)
                {
                    await using var tx = await c.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
                    await Postgres.NonQueryAsync(Postgres.Command(c, $"SELECT pg_advisory_xact_lock({tables.LockId});\n" + tables.Schema), cancellationToken).ConfigureAwait(false);
                    await tx.CommitAsync(cancellationToken).ConfigureAwait(false);
                }
                _ready = true;
            }
        }
        catch
        {
            await c.DisposeAsync().ConfigureAwait(false);
            throw;
        }
        finally
        {
            _lock.Release();
        }
        return c;
    }

    public async ValueTask DisposeAsync()
    {
        await _source.DisposeAsync().ConfigureAwait(false);
        _lock.Dispose();
    }
}
