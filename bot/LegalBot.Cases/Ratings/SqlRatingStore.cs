using System.Data.Common;
using System.Globalization;
using LegalBot.Cases.Privacy;
using LegalBot.Cases.Statistics;
using LegalBot.Cases.Storage;

namespace LegalBot.Cases.Ratings;

/// <summary>
/// <see cref="IRatingStore"/> in the case database (SQLite or PostgreSQL, dialect-neutral SQL, times in Unix
/// milliseconds). Every state change is a conditional UPDATE, so a retried or concurrent answer counts once.
/// </summary>
public sealed class SqlRatingStore : IRatingStore
{
    private readonly CaseDatabase _db;
    private readonly IFieldProtector _protector;

    private SqlRatingStore(CaseDatabase db, IFieldProtector protector)
    {
        _db = db;
        _protector = protector;
    }

    public static async Task<SqlRatingStore> OpenAsync(CaseDatabase db, IFieldProtector protector, CancellationToken cancellationToken)
    {
        await using var c = await db.OpenAsync(cancellationToken).ConfigureAwait(false);
        foreach (var ddl in Schema) await ExecAsync(c, ddl, cancellationToken).ConfigureAwait(false);
        return new SqlRatingStore(db, protector);
    }

    private static readonly string[] Schema =
    [
        """
        CREATE TABLE IF NOT EXISTS case_ratings (
            reference TEXT PRIMARY KEY, kind TEXT NOT NULL, office_id TEXT NOT NULL, office_name TEXT NOT NULL,
            conversation_id TEXT NOT NULL, channel TEXT NOT NULL, requested_at BIGINT NOT NULL, shown_at BIGINT,
            level INTEGER, rated_at BIGINT, comment_enc TEXT, comment_state TEXT NOT NULL,
            follow_up TEXT, follow_up_note_enc TEXT, follow_up_by TEXT, follow_up_at BIGINT)
        """,
        "CREATE INDEX IF NOT EXISTS case_ratings_by_conversation ON case_ratings (conversation_id, requested_at)",
        "CREATE INDEX IF NOT EXISTS case_ratings_by_office ON case_ratings (office_id, rated_at)",
    ];

    private const string Columns = """
        reference, kind, office_id, office_name, conversation_id, channel, requested_at, shown_at, level, rated_at, comment_enc,
        comment_state, follow_up, follow_up_note_enc, follow_up_by, follow_up_at
        """;

    public async Task<bool> RequestAsync(CaseRecord closed, DateTimeOffset at, CancellationToken cancellationToken)
    {
        using var _ = await _db.EnterWriteAsync(cancellationToken).ConfigureAwait(false);
        await using var c = await _db.OpenAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return await ExecAsync(c, $"""
                INSERT INTO case_ratings ({Columns})
                VALUES (@ref, @kind, @office, @officeName, @conv, @channel, @at, NULL, NULL, NULL, NULL, 'not-asked', NULL, NULL, NULL, NULL)
                """, cancellationToken, ("@ref", closed.Reference), ("@kind", closed.Kind.ToWire()), ("@office", closed.OfficeId),
                ("@officeName", closed.OfficeName), ("@conv", closed.ConversationId), ("@channel", closed.Channel), ("@at", Ms(at))).ConfigureAwait(false) == 1;
        }
        catch (DbException ex) when (_db.IsUniqueViolation(ex))
        {
            return false;
        }
    }

    public async Task<CaseRating?> GetAsync(string reference, CancellationToken cancellationToken) =>
        First(await QueryAsync($"SELECT {Columns} FROM case_ratings WHERE reference = @ref", cancellationToken, ("@ref", reference)).ConfigureAwait(false));

    public async Task<CaseRating?> PendingAsync(string conversationId, DateTimeOffset since, CancellationToken cancellationToken)
    {
        var pending = Pending(conversationId, since);
        return First(await QueryAsync(pending.Sql, cancellationToken, [.. pending.Parameters.Select(p => ("@" + p.Name, p.Value))]).ConfigureAwait(false));
    }

    /// <summary>The look-up of <see cref="PendingAsync"/> for a store on the same PostgreSQL database to send with its own read.</summary>
    public SqlQuery<CaseRating>? PendingQuery(string conversationId, DateTimeOffset since, string connectionString) =>
        _db is PostgresCaseDatabase pg && pg.ConnectionString == connectionString ? new(Pending(conversationId, since), Row) : null;

    private static SqlStatement Pending(string conversationId, DateTimeOffset since) => new($"""
        SELECT {Columns} FROM case_ratings
        WHERE conversation_id = @conv AND ((level IS NULL AND requested_at >= @since) OR comment_state = 'awaiting')
        ORDER BY requested_at, reference LIMIT 1
        """, [("conv", conversationId), ("since", Ms(since))]);

    public Task<IReadOnlyList<CaseRating>> UnshownAsync(string channel, DateTimeOffset since, int max, CancellationToken cancellationToken) =>
        QueryAsync($"""
            SELECT {Columns} FROM case_ratings WHERE channel = @channel AND level IS NULL AND shown_at IS NULL AND requested_at >= @since
            ORDER BY requested_at LIMIT @max
            """, cancellationToken, ("@channel", channel), ("@since", Ms(since)), ("@max", max));

    public Task MarkShownAsync(string reference, DateTimeOffset at, CancellationToken cancellationToken) =>
        WriteAsync("UPDATE case_ratings SET shown_at = @at WHERE reference = @ref AND level IS NULL", cancellationToken, ("@at", Ms(at)), ("@ref", reference));

    public async Task<bool> ClaimPushAsync(string reference, DateTimeOffset at, CancellationToken cancellationToken) =>
        await WriteAsync("UPDATE case_ratings SET shown_at = @at WHERE reference = @ref AND level IS NULL AND shown_at IS NULL", cancellationToken,
            ("@at", Ms(at)), ("@ref", reference)).ConfigureAwait(false) == 1;

    public async Task<bool> RateAsync(string reference, RatingLevel level, DateTimeOffset at, CancellationToken cancellationToken) =>
        await WriteAsync("""
            UPDATE case_ratings SET level = @level, rated_at = @at, comment_state = 'awaiting',
                follow_up = CASE WHEN @flag = 1 THEN 'pending' ELSE NULL END
            WHERE reference = @ref AND level IS NULL
            """, cancellationToken, ("@level", (int)level), ("@at", Ms(at)),
            ("@flag", level is RatingLevel.Dissatisfied or RatingLevel.VeryDissatisfied ? 1 : 0), ("@ref", reference)).ConfigureAwait(false) == 1;

    public async Task<bool> CommentAsync(string reference, string? comment, CancellationToken cancellationToken) =>
        await WriteAsync("UPDATE case_ratings SET comment_enc = @comment, comment_state = 'done' WHERE reference = @ref AND comment_state = 'awaiting'",
            cancellationToken, ("@comment", comment is null ? null : _protector.Protect(comment, Context(reference, "comment"))), ("@ref", reference))
            .ConfigureAwait(false) == 1;

    public Task<IReadOnlyList<CaseRating>> ListRatedAsync(RatingQuery query, CancellationToken cancellationToken) =>
        QueryAsync($"""
            SELECT {Columns} FROM case_ratings
            WHERE level IS NOT NULL AND (@office IS NULL OR office_id = @office) AND rated_at >= @from AND rated_at < @to AND (@bad = 0 OR level >= @worst)
            ORDER BY rated_at DESC, reference LIMIT @limit
            """, cancellationToken, ("@office", query.OfficeId), ("@from", query.From is { } f ? Ms(f) : long.MinValue),
            ("@to", query.To is { } t ? Ms(t) : long.MaxValue), ("@bad", query.DissatisfiedOnly ? 1 : 0), ("@worst", (int)RatingLevel.Dissatisfied),
            ("@limit", Math.Clamp(query.Limit, 1, 10_000)));

    public async Task<CaseRating> FollowUpAsync(string reference, FollowUpStatus status, string? note, string actor, DateTimeOffset at, CancellationToken cancellationToken)
    {
        var changed = await WriteAsync("""
            UPDATE case_ratings SET follow_up = @status, follow_up_note_enc = @note, follow_up_by = @actor, follow_up_at = @at
            WHERE reference = @ref AND level >= @worst
            """, cancellationToken, ("@status", status.ToWire()), ("@note", note is null ? null : _protector.Protect(note, Context(reference, "follow-up"))),
            ("@actor", actor), ("@at", Ms(at)), ("@ref", reference), ("@worst", (int)RatingLevel.Dissatisfied)).ConfigureAwait(false);
        if (changed != 1) throw new RatingUpdateException($"case {reference} has no dissatisfied rating to follow up");
        return (await GetAsync(reference, cancellationToken).ConfigureAwait(false))!;
    }

    public Task<int> PurgeAsync(CancellationToken cancellationToken) =>
        WriteAsync("""
            UPDATE case_ratings SET comment_enc = NULL, follow_up_note_enc = NULL, conversation_id = '', comment_state = 'done'
            WHERE conversation_id <> '' AND reference IN (SELECT reference FROM cases WHERE purged_at IS NOT NULL)
            """, cancellationToken);

    private async Task<int> WriteAsync(string sql, CancellationToken cancellationToken, params (string, object?)[] parameters)
    {
        using var _ = await _db.EnterWriteAsync(cancellationToken).ConfigureAwait(false);
        await using var c = await _db.OpenAsync(cancellationToken).ConfigureAwait(false);
        return await ExecAsync(c, sql, cancellationToken, parameters).ConfigureAwait(false);
    }

    private async Task<IReadOnlyList<CaseRating>> QueryAsync(string sql, CancellationToken cancellationToken, params (string, object?)[] parameters)
    {
        await using var c = await _db.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var cmd = Command(c, sql, parameters);
        await using var r = await cmd.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var list = new List<CaseRating>();
        while (await r.ReadAsync(cancellationToken).ConfigureAwait(false)) list.Add(Row(r));
        return list;
    }

    /// <summary>One row of <see cref="Columns"/>, comments and notes decrypted.</summary>
    private CaseRating Row(DbDataReader r)
    {
        var reference = r.GetString(0);
        long? Long(int i) => r.IsDBNull(i) ? null : r.GetInt64(i);
        string? Secret(int i, string field) => r.IsDBNull(i) ? null : _protector.Unprotect(r.GetString(i), Context(reference, field));
        FollowUpStatus? followUp = r.IsDBNull(12) ? null : RatingNames.TryParseFollowUp(r.GetString(12), out var s) ? s
            : throw new InvalidDataException($"unknown follow-up status '{r.GetString(12)}' in the database");
        return new CaseRating(reference, CaseNames.ParseKind(r.GetString(1)), r.GetString(2), r.GetString(3), r.GetString(4), r.GetString(5),
            FromMs(r.GetInt64(6)), Time(Long(7)), r.IsDBNull(8) ? null : (RatingLevel)Convert.ToInt32(r.GetValue(8), CultureInfo.InvariantCulture), Time(Long(9)), Secret(10, "comment"),
            CommentStateOf(r.GetString(11)), followUp, Secret(13, "follow-up"), r.IsDBNull(14) ? null : r.GetString(14), Time(Long(15)));
    }

    private static CommentState CommentStateOf(string wire) => wire switch
    {
        "not-asked" => CommentState.NotAsked,
        "awaiting" => CommentState.Awaiting,
        "done" => CommentState.Done,
        _ => throw new InvalidDataException($"unknown comment state '{wire}' in the database"),
    };

    private static CaseRating? First(IReadOnlyList<CaseRating> list) => list.Count > 0 ? list[0] : null;

    private static string Context(string reference, string field) => $"rating:{reference}:{field}";

    private static long Ms(DateTimeOffset t) => t.ToUnixTimeMilliseconds();

    private static DateTimeOffset FromMs(long ms) => DateTimeOffset.FromUnixTimeMilliseconds(ms);

    private static DateTimeOffset? Time(long? ms) => ms is { } v ? FromMs(v) : null;

    private static DbCommand Command(DbConnection c, string sql, params (string Name, object? Value)[] parameters)
    {
        var cmd = c.CreateCommand();
        cmd.CommandText = sql;
        foreach (var (name, value) in parameters)
        {
            var p = cmd.CreateParameter();
            p.ParameterName = name;
            p.Value = value ?? DBNull.Value;
            // Untyped NULLs confuse PostgreSQL's "@x IS NULL" inference; every nullable parameter here is text.
            if (value is null) p.DbType = System.Data.DbType.String;
            cmd.Parameters.Add(p);
        }
        return cmd;
    }

    private static async Task<int> ExecAsync(DbConnection c, string sql, CancellationToken cancellationToken, params (string, object?)[] parameters)
    {
        await using var cmd = Command(c, sql, parameters);
        return Convert.ToInt32(await cmd.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false), CultureInfo.InvariantCulture);
    }
}
