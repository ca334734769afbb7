using System.Text.Json;
using LegalBot.Cases.Privacy;
using LegalBot.Cases.Storage;
using Npgsql;

namespace LegalBot.Conversation.State;

/// <summary>
/// Conversation state and the staff logs in the shared PostgreSQL (<c>Data__Shared=true</c>), so a citizen's next
/// message may reach any instance and continue the same dialog, and staff see what every instance was asked. Stored
/// as <see cref="SqliteConversationStore"/> stores them: states with a dialog encrypted, questions masked, logs capped
/// per conversation and day. A turn is one read round trip (state and 好差评 look-up) and one write round trip (logs, state
/// and, with <paramref name="keepsTurnRecords"/>, the consultation record and the 普法 matter count, which live in the
/// same database).
/// </summary>
/// <param name="keepsTurnRecords">The consultation record and the 普法 tables are in this database (the shared store).</param>
public sealed class PostgresConversationStore(string connectionString, IFieldProtector protector, int logEntriesPerDay = SqliteConversationStore.DefaultLogEntriesPerDay,
    bool keepsTurnRecords = false)
    : IConversationStore, IAsyncDisposable
{
    private readonly PostgresSchema _schema = new(connectionString, 7283451904, Tables,
        keepsTurnRecords ? [LegalBot.Cases.Activity.SqlActivityStore.PostgresTables, Publicity.SqlPublicityStore.PostgresTables] : []);

    public bool KeepsTurnRecords => keepsTurnRecords;

    private const string Tables = """
        CREATE TABLE IF NOT EXISTS cv_state (conversation_id TEXT PRIMARY KEY, state TEXT NOT NULL, updated_at TIMESTAMPTZ NOT NULL);
        CREATE INDEX IF NOT EXISTS cv_state_by_age ON cv_state (updated_at);
        CREATE TABLE IF NOT EXISTS cv_answers (answer_id TEXT PRIMARY KEY, conversation_id TEXT NOT NULL, channel TEXT NOT NULL,
            question TEXT NOT NULL, route TEXT NOT NULL, sources TEXT NOT NULL, confidence DOUBLE PRECISION NOT NULL, created_at TIMESTAMPTZ NOT NULL);
        CREATE TABLE IF NOT EXISTS cv_unanswered (id BIGSERIAL PRIMARY KEY, conversation_id TEXT NOT NULL, channel TEXT NOT NULL,
            question TEXT NOT NULL, best_score DOUBLE PRECISION NOT NULL, best_source TEXT, created_at TIMESTAMPTZ NOT NULL);
        CREATE TABLE IF NOT EXISTS cv_feedback (id BIGSERIAL PRIMARY KEY, answer_id TEXT NOT NULL, conversation_id TEXT NOT NULL,
            helpful BOOLEAN NOT NULL, question TEXT NOT NULL, sources TEXT NOT NULL, created_at TIMESTAMPTZ NOT NULL);
        CREATE INDEX IF NOT EXISTS cv_answers_by_conversation ON cv_answers (conversation_id, created_at);
        CREATE INDEX IF NOT EXISTS cv_unanswered_by_conversation ON cv_unanswered (conversation_id, created_at);
        CREATE INDEX IF NOT EXISTS cv_feedback_by_conversation ON cv_feedback (conversation_id, created_at);
        -- 'clarified' when the bot asked back rather than not knowing (群众提问 shows both).
        ALTER TABLE cv_unanswered ADD COLUMN IF NOT EXISTS kind TEXT NOT NULL DEFAULT 'unanswered';
        """;

    private const string StateRead = "SELECT state FROM cv_state WHERE conversation_id = @id";

    public async Task<ConversationState?> GetStateAsync(string conversationId, CancellationToken cancellationToken)
    {
        await using var c = await _schema.OpenAsync(cancellationToken).ConfigureAwait(false);
        return State(conversationId, await Postgres.ScalarAsync(Command(c, StateRead, ("id", conversationId)), cancellationToken).ConfigureAwait(false) as string);
    }

    /// <summary>The state and the 好差评 look-up in one batch (one round trip), when the rating store is on this database.</summary>
    public async Task<TurnStart> GetTurnStartAsync(string conversationId, RatingLookup? ratings, CancellationToken cancellationToken)
    {
        if (ratings is null) return new TurnStart(await GetStateAsync(conversationId, cancellationToken).ConfigureAwait(false), null);
        if (ratings.Store.PendingQuery(conversationId, ratings.Since, connectionString) is not { } pending)
            return await TurnStart.ReadOneByOneAsync(this, conversationId, ratings, cancellationToken).ConfigureAwait(false);
        await using var c = await _schema.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var batch = new NpgsqlBatch(c);
        batch.BatchCommands.Add(Postgres.BatchCommand(new SqlStatement(StateRead, [("id", conversationId)])));
        batch.BatchCommands.Add(Postgres.BatchCommand(pending.Statement));
        await using var r = await batch.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var stored = await r.ReadAsync(cancellationToken).ConfigureAwait(false) ? r.GetString(0) : null;
        await r.NextResultAsync(cancellationToken).ConfigureAwait(false);
        var rating = await r.ReadAsync(cancellationToken).ConfigureAwait(false) ? pending.Read(r) : null;
        return new TurnStart(State(conversationId, stored), rating);
    }

    private ConversationState? State(string conversationId, string? stored) => stored is null ? null
        : JsonSerializer.Deserialize<ConversationState>(stored.StartsWith('{') ? stored : protector.Unprotect(stored, StateContext(conversationId)));

    public Task SaveStateAsync(ConversationState state, CancellationToken cancellationToken) => ExecuteAsync(StateWrite(state), cancellationToken);

    public Task RecordAnswerAsync(AnswerRecord answer, CancellationToken cancellationToken) => ExecuteAsync(AnswerWrite(answer), cancellationToken);

    /// <summary>The turn's log entries and state in one batch: one round trip and one commit (Npgsql runs a batch given no
    /// transaction in an implicit one, so the turn is written whole or not at all), instead of one of each per statement.</summary>
    public async Task SaveTurnAsync(ConversationState state, TurnWrites writes, CancellationToken cancellationToken)
    {
        await using var c = await _schema.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var batch = new NpgsqlBatch(c);
        foreach (var answer in writes.Answers) batch.BatchCommands.Add(BatchCommand(AnswerWrite(answer)));
        foreach (var question in writes.Unanswered) batch.BatchCommands.Add(BatchCommand(UnansweredWrite(question)));
        if (writes.Consultation is not null || writes.MattersAsked.Count > 0)
        {
            if (!keepsTurnRecords) throw new InvalidOperationException("this conversation store does not keep turn records (KeepsTurnRecords is false)");
            if (writes.Consultation is { } consultation) batch.BatchCommands.Add(BatchCommand(LegalBot.Cases.Activity.SqlActivityStore.Insert(consultation)));
            foreach (var asked in writes.MattersAsked) batch.BatchCommands.Add(BatchCommand(Publicity.SqlPublicityStore.Insert(asked)));
        }
        batch.BatchCommands.Add(BatchCommand(StateWrite(state)));
        await batch.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    private SqlStatement StateWrite(ConversationState state)
    {
        var masked = state with { LastQuestion = state.LastQuestion is null ? null : PiiMasking.Mask(state.LastQuestion) };
        var json = JsonSerializer.Serialize(masked);
        return new("""
            INSERT INTO cv_state (conversation_id, state, updated_at) VALUES (@id, @state, @at)
            ON CONFLICT (conversation_id) DO UPDATE SET state = EXCLUDED.state, updated_at = EXCLUDED.updated_at
            """, [("id", state.ConversationId),
            ("state", state.Dialog is null ? json : protector.Protect(json, StateContext(state.ConversationId))), ("at", Utc(state.UpdatedAt))]);
    }

    private SqlStatement AnswerWrite(AnswerRecord answer) => new("""
        INSERT INTO cv_answers (answer_id, conversation_id, channel, question, route, sources, confidence, created_at)
        SELECT @id, @conv, @channel, @q, @route, @sources, @conf, @at
        WHERE (SELECT COUNT(*) FROM cv_answers WHERE conversation_id = @conv AND created_at >= @day) < @cap
        ON CONFLICT (answer_id) DO NOTHING
        """, [("id", answer.AnswerId), ("conv", answer.ConversationId), ("channel", answer.Channel), ("q", PiiMasking.Mask(answer.Question)),
        ("route", answer.Route), ("sources", JsonSerializer.Serialize(answer.Sources)), ("conf", answer.Confidence), ("at", Utc(answer.CreatedAt)),
        ("day", Day(answer.CreatedAt)), ("cap", (long)logEntriesPerDay * 10)]);

    private SqlStatement UnansweredWrite(UnansweredQuestion question) => new("""
        INSERT INTO cv_unanswered (conversation_id, channel, question, best_score, best_source, created_at, kind)
        SELECT @conv, @channel, @q, @score, @source, @at, @kind
        WHERE (SELECT COUNT(*) FROM cv_unanswered WHERE conversation_id = @conv AND created_at >= @day) < @cap
        """, [("conv", question.ConversationId), ("channel", question.Channel), ("q", PiiMasking.Mask(question.Question)),
        ("score", question.BestScore), ("source", question.BestSource), ("at", Utc(question.CreatedAt)),
        ("day", Day(question.CreatedAt)), ("cap", (long)logEntriesPerDay), ("kind", UnansweredKinds.Of(question))]);

    public async Task<AnswerRecord?> GetAnswerAsync(string answerId, CancellationToken cancellationToken)
    {
        await using var c = await _schema.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var cmd = Command(c, "SELECT answer_id, conversation_id, channel, question, route, sources, confidence, created_at FROM cv_answers WHERE answer_id = @id",
            ("id", answerId));
        await using var r = await cmd.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        if (!await r.ReadAsync(cancellationToken).ConfigureAwait(false)) return null;
        return new AnswerRecord(r.GetString(0), r.GetString(1), r.GetString(2), r.GetString(3), r.GetString(4),
            JsonSerializer.Deserialize<List<string>>(r.GetString(5)) ?? [], r.GetDouble(6), r.GetFieldValue<DateTimeOffset>(7));
    }

    public Task LogUnansweredAsync(UnansweredQuestion question, CancellationToken cancellationToken) => ExecuteAsync(UnansweredWrite(question), cancellationToken);

    public Task RecordFeedbackAsync(FeedbackRecord feedback, CancellationToken cancellationToken) => ExecuteAsync("""
        INSERT INTO cv_feedback (answer_id, conversation_id, helpful, question, sources, created_at)
        SELECT @id, @conv, @helpful, @q, @sources, @at
        WHERE (SELECT COUNT(*) FROM cv_feedback WHERE conversation_id = @conv AND created_at >= @day) < @cap
        """, cancellationToken, ("id", feedback.AnswerId), ("conv", feedback.ConversationId), ("helpful", feedback.Helpful),
        ("q", PiiMasking.Mask(feedback.Question)), ("sources", JsonSerializer.Serialize(feedback.Sources)), ("at", Utc(feedback.CreatedAt)),
        ("day", Day(feedback.CreatedAt)), ("cap", (long)logEntriesPerDay));

    public async Task<IReadOnlyList<UnansweredQuestion>> ListUnansweredAsync(int limit, CancellationToken cancellationToken)
    {
        await using var c = await _schema.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var cmd = Command(c, "SELECT conversation_id, channel, question, best_score, best_source, created_at, kind FROM cv_unanswered ORDER BY id DESC LIMIT @n",
            ("n", (long)limit));
        await using var r = await cmd.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var list = new List<UnansweredQuestion>();
        while (await r.ReadAsync(cancellationToken).ConfigureAwait(false))
            list.Add(new UnansweredQuestion(r.GetString(0), r.GetString(1), r.GetString(2), r.GetDouble(3), r.IsDBNull(4) ? null : r.GetString(4),
                r.GetFieldValue<DateTimeOffset>(5)) { Clarified = UnansweredKinds.IsClarified(r.GetString(6)) });
        return list;
    }

    public async Task<IReadOnlyList<FeedbackRecord>> ListFeedbackAsync(int limit, CancellationToken cancellationToken)
    {
        await using var c = await _schema.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var cmd = Command(c, "SELECT answer_id, conversation_id, helpful, question, sources, created_at FROM cv_feedback ORDER BY id DESC LIMIT @n",
            ("n", (long)limit));
        await using var r = await cmd.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var list = new List<FeedbackRecord>();
        while (await r.ReadAsync(cancellationToken).ConfigureAwait(false))
            list.Add(new FeedbackRecord(r.GetString(0), r.GetString(1), r.GetBoolean(2), r.GetString(3),
                JsonSerializer.Deserialize<List<string>>(r.GetString(4)) ?? [], r.GetFieldValue<DateTimeOffset>(5)));
        return list;
    }

    public async Task<int> PurgeAsync(DateTimeOffset cutoff, CancellationToken cancellationToken)
    {
        var total = 0;
        foreach (var (table, column) in new[] { ("cv_state", "updated_at"), ("cv_answers", "created_at"), ("cv_unanswered", "created_at"), ("cv_feedback", "created_at") })
            total += await ExecuteAsync($"DELETE FROM {table} WHERE {column} < @cutoff", cancellationToken, ("cutoff", Utc(cutoff))).ConfigureAwait(false);
        return total;
    }

    public ValueTask DisposeAsync() => _schema.DisposeAsync();

    private async Task<int> ExecuteAsync(string sql, CancellationToken cancellationToken, params (string Name, object Value)[] parameters)
    {
        await using var c = await _schema.OpenAsync(cancellationToken).ConfigureAwait(false);
        return await Postgres.NonQueryAsync(Command(c, sql, parameters), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>One write run alone (the same statement is one command of a turn's batch otherwise).</summary>
    private async Task<int> ExecuteAsync(SqlStatement statement, CancellationToken cancellationToken)
    {
        await using var c = await _schema.OpenAsync(cancellationToken).ConfigureAwait(false);
        return await Postgres.NonQueryAsync(Postgres.Command(c, statement), cancellationToken).ConfigureAwait(false);
    }

    private static NpgsqlBatchCommand BatchCommand(SqlStatement statement) => Postgres.BatchCommand(statement);

    private static NpgsqlCommand Command(NpgsqlConnection c, string sql, params (string Name, object Value)[] parameters) => Postgres.Command(c, sql, parameters);

    private static string StateContext(string conversationId) => "conversation:" + conversationId;

    private static DateTimeOffset Utc(DateTimeOffset t) => t.ToUniversalTime();

    /// <summary>The start of the UTC day of <paramref name="t"/>.</summary>
    private static DateTimeOffset Day(DateTimeOffset t) => new(t.UtcDateTime.Date, TimeSpan.Zero);
}
