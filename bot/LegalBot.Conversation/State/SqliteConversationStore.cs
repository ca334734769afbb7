using System.Globalization;
using System.Text.Json;
using LegalBot.Cases.Privacy;
using LegalBot.Cases.Storage;
using Microsoft.Data.Sqlite;

namespace LegalBot.Conversation.State;

/// <summary>
/// The default store: one SQLite file (WAL mode) under the data directory. Each call opens a pooled
/// connection, so the store is safe to share across requests. A state holding an intake dialog (name, mobile,
/// description) is encrypted with the field protector before it is written. Questions are written masked (mobile,
/// ID and bank card numbers), and each conversation may add only so many entries a day to the logs staff read.
/// </summary>
public sealed class SqliteConversationStore : IConversationStore, IDisposable
{
    private readonly string _connectionString;
    // SQLite allows one writer; colliding writers get SQLITE_BUSY and sleep-retry (tens of ms). The queue keeps every
    // write on the fast path, and the writes of concurrent turns share one commit.
    private readonly GroupCommit _writes;

    private readonly IFieldProtector? _protector;
    private readonly int _logCap;

    private SqliteConversationStore(string connectionString, IFieldProtector? protector, int logCap)
    {
        _connectionString = connectionString;
        _writes = new GroupCommit(async ct => await ConnectAsync(ct, forWriting: true).ConfigureAwait(false));
        _protector = protector;
        _logCap = logCap;
    }

    /// <summary>Default cap of unanswered and feedback entries one conversation may add per day.</summary>
    public const int DefaultLogEntriesPerDay = 30;

    /// <param name="protector">Encrypts states that carry personal data; null only in tests that inspect nothing personal.</param>
    /// <param name="logEntriesPerDay">Unanswered and feedback entries one conversation may add per (UTC) day; answers may be ten times as many.</param>
    /// <param name="marker">The data folder's record of its stores: an emptied or swapped database is refused, not served empty.</param>
    /// <exception cref="StoreIntegrityException">The file is not a readable database, or not the one this data folder held.</exception>
    public static async Task<SqliteConversationStore> OpenAsync(string databasePath, CancellationToken cancellationToken, IFieldProtector? protector = null,
        int logEntriesPerDay = DefaultLogEntriesPerDay, StoreMarker? marker = null)
    {
        try
        {
            return await OpenCoreAsync(databasePath, protector, logEntriesPerDay, marker, cancellationToken).ConfigureAwait(false);
        }
        catch (SqliteException ex)
        {
            throw new StoreIntegrityException("conversation store", $"{databasePath} is not a readable database ({ex.Message}); restore it from backup or move it aside");
        }
    }

    private static async Task<SqliteConversationStore> OpenCoreAsync(string databasePath, IFieldProtector? protector,
        int logEntriesPerDay, StoreMarker? marker, CancellationToken cancellationToken)
    {
        DataFiles.EnsurePrivate(databasePath);
        var cs = new SqliteConnectionStringBuilder { DataSource = databasePath, Mode = SqliteOpenMode.ReadWriteCreate, Pooling = true, DefaultTimeout = 10 }.ToString();
        var store = new SqliteConversationStore(cs, protector, logEntriesPerDay);
        await using var c = await store.ConnectAsync(cancellationToken, forWriting: true).ConfigureAwait(false);
        await ExecuteAsync(c, """
            PRAGMA journal_mode = WAL;
            CREATE TABLE IF NOT EXISTS conversation_state (conversation_id TEXT PRIMARY KEY, state TEXT NOT NULL, updated_at TEXT NOT NULL);
            CREATE TABLE IF NOT EXISTS answers (answer_id TEXT PRIMARY KEY, conversation_id TEXT NOT NULL, channel TEXT NOT NULL,
                question TEXT NOT NULL, route TEXT NOT NULL, sources TEXT NOT NULL, confidence REAL NOT NULL, created_at TEXT NOT NULL);
            CREATE TABLE IF NOT EXISTS unanswered (id INTEGER PRIMARY KEY AUTOINCREMENT, conversation_id TEXT NOT NULL, channel TEXT NOT NULL,
                question TEXT NOT NULL, best_score REAL NOT NULL, best_source TEXT, created_at TEXT NOT NULL);
            CREATE TABLE IF NOT EXISTS feedback (id INTEGER PRIMARY KEY AUTOINCREMENT, answer_id TEXT NOT NULL, conversation_id TEXT NOT NULL,
                helpful INTEGER NOT NULL, question TEXT NOT NULL, sources TEXT NOT NULL, created_at TEXT NOT NULL);
            CREATE INDEX IF NOT EXISTS answers_by_conversation ON answers (conversation_id, created_at);
            CREATE INDEX IF NOT EXISTS unanswered_by_conversation ON unanswered (conversation_id, created_at);
            CREATE INDEX IF NOT EXISTS feedback_by_conversation ON feedback (conversation_id, created_at);
            CREATE TABLE IF NOT EXISTS meta (name TEXT PRIMARY KEY, value TEXT NOT NULL);
            """, cancellationToken).ConfigureAwait(false);
        await AddKindColumnAsync(c, cancellationToken).ConfigureAwait(false);
        if (marker is not null) await VerifyIdentityAsync(c, databasePath, marker, cancellationToken).ConfigureAwait(false);
        return store;
    }

    public const string MarkerName = "conversations";

    // Databases from before clarified questions were told apart get the column (SQLite has no ADD COLUMN IF NOT EXISTS).
    private static async Task AddKindColumnAsync(SqliteConnection c, CancellationToken cancellationToken)
    {
        await using var probe = Command(c, "SELECT COUNT(*) FROM pragma_table_info('unanswered') WHERE name = 'kind'");
        if (Convert.ToInt64(await probe.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false), CultureInfo.InvariantCulture) == 0)
            await ExecuteAsync(c, "ALTER TABLE unanswered ADD COLUMN kind TEXT NOT NULL DEFAULT 'unanswered';", cancellationToken).ConfigureAwait(false);
    }

    private static async Task VerifyIdentityAsync(SqliteConnection c, string databasePath, StoreMarker marker, CancellationToken cancellationToken)
    {
        var expected = marker.Get(MarkerName);
        await using var read = Command(c, "SELECT value FROM meta WHERE name = 'store_id'");
        var id = await read.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) as string;
        if (id is null)
        {
            if (expected is not null)
                throw new StoreIntegrityException("conversation store", $"{databasePath} is empty or was replaced: this data folder last held conversation store {expected}. " +
                    $"Restore it from backup; to start afresh on purpose, remove the \"{MarkerName}\" entry of {StoreMarker.FileName}");
            id = StoreMarker.NewId();
            await using var write = Command(c, "INSERT INTO meta (name, value) VALUES ('store_id', $id)", ("$id", id));
            await write.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
        else if (expected is not null && expected != id)
        {
            throw new StoreIntegrityException("conversation store", $"{databasePath} is not the conversation store this data folder held ({expected}, found {id})");
        }
        marker.Set(MarkerName, id);
    }

    public async Task<ConversationState?> GetStateAsync(string conversationId, CancellationToken cancellationToken)
    {
        await using var c = await ConnectAsync(cancellationToken).ConfigureAwait(false);
        await using var cmd = Command(c, "SELECT state FROM conversation_state WHERE conversation_id = $id", ("$id", conversationId));
        var stored = await cmd.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) as string;
        if (stored is null) return null;
        if (stored.StartsWith('{')) return JsonSerializer.Deserialize<ConversationState>(stored);
        if (_protector is null) throw new InvalidOperationException("conversation state is encrypted but no encryption key is configured");
        return JsonSerializer.Deserialize<ConversationState>(_protector.Unprotect(stored, StateContext(conversationId)));
    }

    public async Task SaveStateAsync(ConversationState state, CancellationToken cancellationToken)
    {
        await WriteAsync("""
            INSERT INTO conversation_state (conversation_id, state, updated_at) VALUES ($id, $state, $at)
            ON CONFLICT(conversation_id) DO UPDATE SET state = excluded.state, updated_at = excluded.updated_at
            """, [("$id", state.ConversationId), ("$state", Seal(state with { LastQuestion = Masked(state.LastQuestion) })), ("$at", Iso(state.UpdatedAt))], cancellationToken);
    }

    private string Seal(ConversationState state)
    {
        var json = JsonSerializer.Serialize(state);
        return state.Dialog is null || _protector is null ? json : _protector.Protect(json, StateContext(state.ConversationId));
    }

    private static string StateContext(string conversationId) => "conversation:" + conversationId;

    public async Task<int> PurgeAsync(DateTimeOffset cutoff, CancellationToken cancellationToken)
    {
        var before = Iso(cutoff);
        var total = 0;
        foreach (var (table, column) in new[] { ("conversation_state", "updated_at"), ("answers", "created_at"), ("unanswered", "created_at"), ("feedback", "created_at") })
            total += await WriteAsync($"DELETE FROM {table} WHERE {column} < $cutoff", [("$cutoff", before)], cancellationToken).ConfigureAwait(false);
        return total;
    }

    public async Task RecordAnswerAsync(AnswerRecord answer, CancellationToken cancellationToken)
    {
        await WriteAsync("""
            INSERT OR REPLACE INTO answers (answer_id, conversation_id, channel, question, route, sources, confidence, created_at)
            SELECT $id, $conv, $channel, $q, $route, $sources, $conf, $at
            WHERE (SELECT COUNT(*) FROM answers WHERE conversation_id = $conv AND created_at >= $day) < $cap
            """, [("$id", answer.AnswerId), ("$conv", answer.ConversationId), ("$channel", answer.Channel), ("$q", PiiMasking.Mask(answer.Question)),
            ("$route", answer.Route), ("$sources", JsonSerializer.Serialize(answer.Sources)), ("$conf", answer.Confidence), ("$at", Iso(answer.CreatedAt)),
            ("$day", Day(answer.CreatedAt)), ("$cap", _logCap * 10)], cancellationToken);
    }

    public async Task<AnswerRecord?> GetAnswerAsync(string answerId, CancellationToken cancellationToken)
    {
        await using var c = await ConnectAsync(cancellationToken).ConfigureAwait(false);
        await using var cmd = Command(c, "SELECT answer_id, conversation_id, channel, question, route, sources, confidence, created_at FROM answers WHERE answer_id = $id", ("$id", answerId));
        await using var r = await cmd.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        if (!await r.ReadAsync(cancellationToken).ConfigureAwait(false)) return null;
        return new AnswerRecord(r.GetString(0), r.GetString(1), r.GetString(2), r.GetString(3), r.GetString(4),
            JsonSerializer.Deserialize<List<string>>(r.GetString(5)) ?? [], r.GetDouble(6), Parse(r.GetString(7)));
    }

    public async Task LogUnansweredAsync(UnansweredQuestion question, CancellationToken cancellationToken)
    {
        await WriteAsync("""
            INSERT INTO unanswered (conversation_id, channel, question, best_score, best_source, created_at, kind)
            SELECT $conv, $channel, $q, $score, $source, $at, $kind
            WHERE (SELECT COUNT(*) FROM unanswered WHERE conversation_id = $conv AND created_at >= $day) < $cap
            """, [("$conv", question.ConversationId), ("$channel", question.Channel), ("$q", PiiMasking.Mask(question.Question)),
            ("$score", question.BestScore), ("$source", (object?)question.BestSource ?? DBNull.Value), ("$at", Iso(question.CreatedAt)),
            ("$day", Day(question.CreatedAt)), ("$cap", _logCap), ("$kind", UnansweredKinds.Of(question))], cancellationToken);
    }

    public async Task RecordFeedbackAsync(FeedbackRecord feedback, CancellationToken cancellationToken)
    {
        await WriteAsync("""
            INSERT INTO feedback (answer_id, conversation_id, helpful, question, sources, created_at)
            SELECT $id, $conv, $helpful, $q, $sources, $at
            WHERE (SELECT COUNT(*) FROM feedback WHERE conversation_id = $conv AND created_at >= $day) < $cap
            """, [("$id", feedback.AnswerId), ("$conv", feedback.ConversationId), ("$helpful", feedback.Helpful ? 1 : 0),
            ("$q", PiiMasking.Mask(feedback.Question)), ("$sources", JsonSerializer.Serialize(feedback.Sources)), ("$at", Iso(feedback.CreatedAt)),
            ("$day", Day(feedback.CreatedAt)), ("$cap", _logCap)], cancellationToken);
    }

    public async Task<IReadOnlyList<UnansweredQuestion>> ListUnansweredAsync(int limit, CancellationToken cancellationToken)
    {
        await using var c = await ConnectAsync(cancellationToken).ConfigureAwait(false);
        await using var cmd = Command(c, "SELECT conversation_id, channel, question, best_score, best_source, created_at, kind FROM unanswered ORDER BY id DESC LIMIT $n", ("$n", limit));
        await using var r = await cmd.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var list = new List<UnansweredQuestion>();
        while (await r.ReadAsync(cancellationToken).ConfigureAwait(false))
            list.Add(new UnansweredQuestion(r.GetString(0), r.GetString(1), r.GetString(2), r.GetDouble(3), r.IsDBNull(4) ? null : r.GetString(4), Parse(r.GetString(5)))
            { Clarified = UnansweredKinds.IsClarified(r.GetString(6)) });
        return list;
    }

    public async Task<IReadOnlyList<FeedbackRecord>> ListFeedbackAsync(int limit, CancellationToken cancellationToken)
    {
        await using var c = await ConnectAsync(cancellationToken).ConfigureAwait(false);
        await using var cmd = Command(c, "SELECT answer_id, conversation_id, helpful, question, sources, created_at FROM feedback ORDER BY id DESC LIMIT $n", ("$n", limit));
        await using var r = await cmd.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var list = new List<FeedbackRecord>();
        while (await r.ReadAsync(cancellationToken).ConfigureAwait(false))
            list.Add(new FeedbackRecord(r.GetString(0), r.GetString(1), r.GetInt64(2) != 0, r.GetString(3),
                JsonSerializer.Deserialize<List<string>>(r.GetString(4)) ?? [], Parse(r.GetString(5))));
        return list;
    }

    /// <summary>Closes the pooled connections, so the file is free (every write's caller has awaited its commit).</summary>
    public void Dispose()
    {
        using var c = new SqliteConnection(_connectionString);
        SqliteConnection.ClearPool(c);
    }

    /// <summary>Runs one write statement in this database's write queue; returns once it has committed.</summary>
    private Task<int> WriteAsync(string sql, (string Name, object Value)[] parameters, CancellationToken cancellationToken) =>
        _writes.RunAsync(async (c, tx) =>
        {
            await using var cmd = Command((SqliteConnection)c, sql, parameters);
            cmd.Transaction = (SqliteTransaction?)tx;
            return await cmd.ExecuteNonQueryAsync(CancellationToken.None).ConfigureAwait(false);
        }, cancellationToken);

    private async Task<SqliteConnection> ConnectAsync(CancellationToken cancellationToken, bool forWriting = false)
    {
        var c = new SqliteConnection(_connectionString);
        await c.OpenAsync(cancellationToken).ConfigureAwait(false);
        // WAL + NORMAL: a commit survives a killed process (only an OS crash may lose the last ones),
        // without an fsync per message. Reads commit nothing, so they skip it.
        if (forWriting) await Sqlite.ConfigureAsync(c, "PRAGMA synchronous = NORMAL;", cancellationToken).ConfigureAwait(false);
        return c;
    }

    private static SqliteCommand Command(SqliteConnection c, string sql, params (string Name, object Value)[] parameters) =>
        Sqlite.Command(c, sql, parameters);

    private static async Task ExecuteAsync(SqliteConnection c, string sql, CancellationToken cancellationToken)
    {
        await using var cmd = Command(c, sql);
        await cmd.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    private static string? Masked(string? text) => text is null ? null : PiiMasking.Mask(text);

    /// <summary>The start of the UTC day of <paramref name="t"/>, as stored timestamps compare.</summary>
    private static string Day(DateTimeOffset t) => Iso(new DateTimeOffset(t.UtcDateTime.Date, TimeSpan.Zero));

    private static string Iso(DateTimeOffset t) => t.ToUniversalTime().ToString("O", CultureInfo.InvariantCulture);

    private static DateTimeOffset Parse(string s) => DateTimeOffset.Parse(s, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind);
}
