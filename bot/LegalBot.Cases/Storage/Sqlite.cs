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
        await NonQueryAsync(Command(c, "PRAGMA synchronous = NORMAL;"), cancellationToken).ConfigureAwait(false);
        return c;
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
