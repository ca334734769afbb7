using System.Data.Common;
using LegalBot.Cases.Privacy;
using LegalBot.Cases.Storage;

namespace LegalBot.Cases.Activity;

/// <summary>
/// Consultations over SQL: <c>{DataPath}/activity.db</c> by default, the shared PostgreSQL case database when cases
/// live there (tables made on first use). Insert and select only: the figures of past years must not change.
/// </summary>
public sealed class SqlActivityStore : IActivityStore, IAsyncDisposable
{
    private const string Table = """
        CREATE TABLE IF NOT EXISTS consultations (id {0}, at BIGINT NOT NULL, channel TEXT NOT NULL, route TEXT NOT NULL,
            outcome TEXT NOT NULL, source TEXT, town TEXT);
        CREATE INDEX IF NOT EXISTS consultations_by_time ON consultations (at);
        """;

    private readonly Func<CancellationToken, Task<DbConnection>> _connect;
    private readonly SemaphoreSlim? _writeLock;
    private readonly IAsyncDisposable? _owned;

    private SqlActivityStore(Func<CancellationToken, Task<DbConnection>> connect, SemaphoreSlim? writeLock, IAsyncDisposable? owned)
    {
        _connect = connect;
        _writeLock = writeLock;
        _owned = owned;
    }

    public static async Task<SqlActivityStore> OpenSqliteAsync(string databasePath, CancellationToken cancellationToken)
    {
        DataFiles.EnsurePrivate(databasePath);
        var cs = Sqlite.ConnectionString(databasePath);
        async Task<DbConnection> Connect(CancellationToken ct) => await Sqlite.OpenAsync(cs, ct).ConfigureAwait(false);
        var store = new SqlActivityStore(Connect, new SemaphoreSlim(1, 1), null);
        await using var c = await Connect(cancellationToken).ConfigureAwait(false);
        await using var cmd = c.CreateCommand();
        cmd.CommandText = "PRAGMA journal_mode = WAL;" + Table.Replace("{0}", "INTEGER PRIMARY KEY AUTOINCREMENT", StringComparison.Ordinal);
        await cmd.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        return store;
    }

    public static SqlActivityStore OpenPostgres(string connectionString)
    {
        var schema = new PostgresSchema(connectionString, 7283451931, Table.Replace("{0}", "BIGSERIAL PRIMARY KEY", StringComparison.Ordinal));
        return new SqlActivityStore(async ct => await schema.OpenAsync(ct).ConfigureAwait(false), null, schema);
    }

    public async Task RecordAsync(Consultation consultation, CancellationToken cancellationToken)
    {
        if (_writeLock is not null) await _writeLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await using var c = await _connect(cancellationToken).ConfigureAwait(false);
            await using var cmd = Command(c, "INSERT INTO consultations (at, channel, route, outcome, source, town) VALUES (@at, @channel, @route, @outcome, @source, @town)",
                ("@at", consultation.At.ToUnixTimeMilliseconds()), ("@channel", consultation.Channel), ("@route", consultation.Route),
                ("@outcome", Wire(consultation.Outcome)), ("@source", consultation.Source), ("@town", consultation.Town));
            await cmd.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _writeLock?.Release();
        }
    }

    public async Task<IReadOnlyList<Consultation>> ListAsync(DateTimeOffset since, DateTimeOffset until, CancellationToken cancellationToken)
    {
        await using var c = await _connect(cancellationToken).ConfigureAwait(false);
        await using var cmd = Command(c, "SELECT at, channel, route, outcome, source, town FROM consultations WHERE at >= @from AND at < @to ORDER BY at",
            ("@from", since.ToUnixTimeMilliseconds()), ("@to", until.ToUnixTimeMilliseconds()));
        await using var r = await cmd.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var list = new List<Consultation>();
        while (await r.ReadAsync(cancellationToken).ConfigureAwait(false))
            list.Add(new Consultation(DateTimeOffset.FromUnixTimeMilliseconds(r.GetInt64(0)), r.GetString(1), r.GetString(2), Outcome(r.GetString(3)),
                r.IsDBNull(4) ? null : r.GetString(4), r.IsDBNull(5) ? null : r.GetString(5)));
        return list;
    }

    private static string Wire(ConsultationOutcome outcome) => outcome switch
    {
        ConsultationOutcome.Answered => "answered",
        ConsultationOutcome.Unanswered => "unanswered",
        _ => "clarified",
    };

    private static ConsultationOutcome Outcome(string wire) => wire switch
    {
        "answered" => ConsultationOutcome.Answered,
        "unanswered" => ConsultationOutcome.Unanswered,
        "clarified" => ConsultationOutcome.Clarified,
        _ => throw new InvalidDataException($"unknown consultation outcome '{wire}' in the database"),
    };

    private static DbCommand Command(DbConnection c, string sql, params (string Name, object? Value)[] parameters)
    {
        var cmd = c.CreateCommand();
        cmd.CommandText = sql;
        foreach (var (name, value) in parameters)
        {
            var p = cmd.CreateParameter();
            p.ParameterName = name;
            p.Value = value ?? DBNull.Value;
            if (value is null) p.DbType = System.Data.DbType.String;
            cmd.Parameters.Add(p);
        }
        return cmd;
    }

    public async ValueTask DisposeAsync()
    {
        if (_owned is not null) await _owned.DisposeAsync().ConfigureAwait(false);
        _writeLock?.Dispose();
    }
}
