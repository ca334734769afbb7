using System.Runtime.CompilerServices;
using Microsoft.Data.Sqlite;

namespace LegalBot.Cases.Storage;

/// <summary>The few SQLite calls every store under the data folder makes: a pooled WAL connection and parameterised commands.</summary>
public static class Sqlite
{
    public static string ConnectionString(string databasePath) =>
        new SqliteConnectionStringBuilder { DataSource = databasePath, Mode = SqliteOpenMode.ReadWriteCreate, Pooling = true, DefaultTimeout = 10 }.ToString();

    /// <summary>Opens a connection. WAL + <c>synchronous = NORMAL</c>: a commit survives a killed process (only an OS crash may lose
    /// the last ones), without an fsync per message.</summary>
    public static async Task<SqliteConnection> OpenAsync(string connectionString, CancellationToken cancellationToken)
    {
        var c = new SqliteConnection(connectionString);
        await c.OpenAsync(cancellationToken).ConfigureAwait(false);
        await ConfigureAsync(c, "PRAGMA synchronous = NORMAL;", cancellationToken).ConfigureAwait(false);
        return c;
    }

    // The physical connections (a pooled connection keeps its handle) and the pragmas already run on them.
    private static readonly ConditionalWeakTable<SQLitePCL.sqlite3, string> Configured = new();

    /// <summary>Runs per-connection <paramref name="pragmas"/> once per physical connection: a pooled one that had them
    /// keeps them, so a reopen costs no statement.</summary>
    public static async Task ConfigureAsync(SqliteConnection c, string pragmas, CancellationToken cancellationToken)
    {
        var handle = c.Handle ?? throw new InvalidOperationException("the connection is not open");
        if (Configured.TryGetValue(handle, out var done) && string.Equals(done, pragmas, StringComparison.Ordinal)) return;
        await NonQueryAsync(Command(c, pragmas), cancellationToken).ConfigureAwait(false);
        Configured.AddOrUpdate(handle, pragmas);
    }

    /// <summary>Opens a connection for reading: the synchronous pragma governs commits only, so it is not run.</summary>
    public static async Task<SqliteConnection> OpenReadAsync(string connectionString, CancellationToken cancellationToken)
    {
        var c = new SqliteConnection(connectionString);
        await c.OpenAsync(cancellationToken).ConfigureAwait(false);
        return c;
    }

    public static SqliteCommand Command(SqliteConnection c, string sql, params (string Name, object Value)[] parameters)
    {
        var cmd = c.CreateCommand();
        cmd.CommandText = sql;
        foreach (var (name, value) in parameters) cmd.Parameters.AddWithValue(name, value);
        return cmd;
    }

    /// <summary>Runs the command and disposes it.</summary>
    public static async Task<int> NonQueryAsync(SqliteCommand cmd, CancellationToken cancellationToken)
    {
        await using (cmd.ConfigureAwait(false)) return await cmd.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Runs the command for its first value and disposes it.</summary>
    public static async Task<object?> ScalarAsync(SqliteCommand cmd, CancellationToken cancellationToken)
    {
        await using (cmd.ConfigureAwait(false)) return await cmd.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
    }
}
