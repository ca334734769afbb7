using LegalBot.Cases.Storage;

namespace LegalBot.Cases.Activity;

/// <summary>
/// Consultations over SQL: <c>{DataPath}/activity.db</c> by default, the shared PostgreSQL case database when cases
/// live there (tables made on first use). Insert and select only: the figures of past years must not change.
/// </summary>
public sealed class SqlActivityStore : IActivityStore, IAsyncDisposable
{
    private const string Table = """
        CREATE TABLE IF NOT EXISTS consultations (id {id}, at BIGINT NOT NULL, channel TEXT NOT NULL, route TEXT NOT NULL,
            outcome TEXT NOT NULL, source TEXT, town TEXT);
        CREATE INDEX IF NOT EXISTS consultations_by_time ON consultations (at);
        """;

    private readonly SqlStore _db;

    private SqlActivityStore(SqlStore db) => _db = db;

    public static async Task<SqlActivityStore> OpenSqliteAsync(string databasePath, CancellationToken cancellationToken) =>
        new(await SqlStore.OpenSqliteAsync(databasePath, Table, cancellationToken).ConfigureAwait(false));

    public static SqlActivityStore OpenPostgres(string connectionString) => new(SqlStore.OpenPostgres(connectionString, PostgresTables.LockId, Table));

    /// <summary>The consultation table in PostgreSQL, for the shared conversation store that writes a turn's consultation in its batch.</summary>
    public static PostgresTables PostgresTables { get; } = SqlStore.PostgresTablesOf(7283451931, Table);

    public Task RecordAsync(Consultation consultation, CancellationToken cancellationToken) => _db.WriteAsync(Insert(consultation), cancellationToken);

    /// <summary>The statement that records one consultation (run here, or in the shared conversation store's end-of-turn batch).</summary>
    public static SqlStatement Insert(Consultation consultation) =>
        new("INSERT INTO consultations (at, channel, route, outcome, source, town) VALUES (@at, @channel, @route, @outcome, @source, @town)",
            [("at", SqlStore.Ms(consultation.At)), ("channel", consultation.Channel), ("route", consultation.Route),
             ("outcome", Wire(consultation.Outcome)), ("source", consultation.Source), ("town", consultation.Town)]);

    public Task<IReadOnlyList<Consultation>> ListAsync(DateTimeOffset since, DateTimeOffset until, CancellationToken cancellationToken) =>
        _db.QueryAsync("SELECT at, channel, route, outcome, source, town FROM consultations WHERE at >= @from AND at < @to ORDER BY at",
            [("from", SqlStore.Ms(since)), ("to", SqlStore.Ms(until))],
            r => new Consultation(SqlStore.At(r.GetInt64(0)), r.GetString(1), r.GetString(2), Outcome(r.GetString(3)),
                r.IsDBNull(4) ? null : r.GetString(4), r.IsDBNull(5) ? null : r.GetString(5)), cancellationToken);

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

    public ValueTask DisposeAsync() => _db.DisposeAsync();
}
