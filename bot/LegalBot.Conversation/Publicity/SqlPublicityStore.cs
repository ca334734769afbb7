using LegalBot.Cases.Storage;

namespace LegalBot.Conversation.Publicity;

/// <summary>
/// The publicity store over SQL: a SQLite file under the data folder by default, the shared PostgreSQL when instances
/// share data. Both dialects run the same statements (times are Unix milliseconds, ids come back with RETURNING);
/// only the schema differs. Holds no names: participants are digests, nickname and town only when given for a board.
/// </summary>
public sealed class SqlPublicityStore : IPublicityStore, IAsyncDisposable
{
    private const string Tables = """
        CREATE TABLE IF NOT EXISTS pb_lessons (id {id}, lesson_id TEXT NOT NULL, channel TEXT NOT NULL, campaign_id TEXT, town TEXT, at BIGINT NOT NULL);
        CREATE INDEX IF NOT EXISTS pb_lessons_by_time ON pb_lessons (at);
        CREATE TABLE IF NOT EXISTS pb_quizzes (id {id}, participant TEXT NOT NULL, channel TEXT NOT NULL, campaign_id TEXT, correct INTEGER NOT NULL,
            total INTEGER NOT NULL, nickname TEXT, town TEXT, at BIGINT NOT NULL);
        CREATE INDEX IF NOT EXISTS pb_quizzes_by_time ON pb_quizzes (at);
        CREATE INDEX IF NOT EXISTS pb_quizzes_by_campaign ON pb_quizzes (campaign_id, town);
        CREATE TABLE IF NOT EXISTS pb_matters (id {id}, matter_id TEXT NOT NULL, channel TEXT NOT NULL, town TEXT, at BIGINT NOT NULL);
        CREATE INDEX IF NOT EXISTS pb_matters_by_time ON pb_matters (at);
        CREATE TABLE IF NOT EXISTS pb_subscribers (user_id TEXT PRIMARY KEY, conversation_id TEXT NOT NULL, channel TEXT NOT NULL,
            consent_at BIGINT NOT NULL, opted_out_at BIGINT, last_seen_at BIGINT NOT NULL, last_sent_at BIGINT);
        """;

    private readonly SqlStore _db;

    private SqlPublicityStore(SqlStore db) => _db = db;

    public static async Task<SqlPublicityStore> OpenSqliteAsync(string databasePath, CancellationToken cancellationToken) =>
        new(await SqlStore.OpenSqliteAsync(databasePath, Tables, cancellationToken).ConfigureAwait(false));

    public static SqlPublicityStore OpenPostgres(string connectionString) => new(SqlStore.OpenPostgres(connectionString, PostgresTables.LockId, Tables));

    /// <summary>The 普法 tables in PostgreSQL, for the shared conversation store that writes a turn's matter asked in its batch.</summary>
    public static PostgresTables PostgresTables { get; } = SqlStore.PostgresTablesOf(7283451911, Tables);

    public Task RecordLessonAsync(LessonRead read, CancellationToken cancellationToken) =>
        _db.WriteAsync("INSERT INTO pb_lessons (lesson_id, channel, campaign_id, town, at) VALUES (@lesson, @channel, @campaign, @town, @at)",
            [("lesson", read.LessonId), ("channel", read.Channel), ("campaign", read.CampaignId), ("town", read.Town), ("at", SqlStore.Ms(read.At))], cancellationToken);

    public async Task<long> RecordQuizAsync(QuizResult result, CancellationToken cancellationToken)
    {
        var id = await _db.WriteScalarAsync("""
            INSERT INTO pb_quizzes (participant, channel, campaign_id, correct, total, nickname, town, at)
            VALUES (@p, @channel, @campaign, @correct, @total, @nick, @town, @at) RETURNING id
            """, [("p", result.Participant), ("channel", result.Channel), ("campaign", result.CampaignId), ("correct", result.Correct), ("total", result.Total),
                  ("nick", result.Nickname), ("town", result.Town), ("at", SqlStore.Ms(result.At))], cancellationToken).ConfigureAwait(false);
        return Convert.ToInt64(id, System.Globalization.CultureInfo.InvariantCulture);
    }

    public Task JoinLeaderboardAsync(long resultId, string nickname, string town, CancellationToken cancellationToken) =>
        _db.WriteAsync("UPDATE pb_quizzes SET nickname = @nick, town = @town WHERE id = @id", [("nick", nickname), ("town", town), ("id", resultId)], cancellationToken);

    public async Task<IReadOnlyList<LeaderboardRow>> LeaderboardAsync(string campaignId, int limit, CancellationToken cancellationToken)
    {
        // Each participant counts once per town, with their best score.
        var rows = await _db.QueryAsync("""
            SELECT town, participant, MAX(nickname), MAX(correct * 100 / total) FROM pb_quizzes
            WHERE campaign_id = @campaign AND town IS NOT NULL AND total > 0 GROUP BY town, participant
            """, [("campaign", campaignId)], r => (Town: r.GetString(0), Nick: r.IsDBNull(2) ? "" : r.GetString(2), Score: Convert.ToInt32(r.GetValue(3), System.Globalization.CultureInfo.InvariantCulture)),
            cancellationToken).ConfigureAwait(false);
        return rows.GroupBy(x => x.Town, StringComparer.Ordinal)
            .Select(g =>
            {
                var top = g.OrderByDescending(x => x.Score).ThenBy(x => x.Nick, StringComparer.Ordinal).First();
                return new LeaderboardRow(g.Key, g.Count(), Math.Round(g.Average(x => x.Score), 1), top.Nick, top.Score);
            })
            .OrderByDescending(r => r.Participants).ThenByDescending(r => r.AverageScore).ThenBy(r => r.Town, StringComparer.Ordinal)
            .Take(limit).ToList();
    }

    public Task RecordMatterAskedAsync(MatterAsked asked, CancellationToken cancellationToken) => _db.WriteAsync(Insert(asked), cancellationToken);

    /// <summary>The statement that counts one matter asked (run here, or in the shared conversation store's end-of-turn batch).</summary>
    public static SqlStatement Insert(MatterAsked asked) =>
        new("INSERT INTO pb_matters (matter_id, channel, town, at) VALUES (@matter, @channel, @town, @at)",
            [("matter", asked.MatterId), ("channel", asked.Channel), ("town", asked.Town), ("at", SqlStore.Ms(asked.At))]);

    public Task<IReadOnlyList<MatterDemand>> MattersAskedAsync(DateTimeOffset since, DateTimeOffset until, CancellationToken cancellationToken) =>
        _db.QueryAsync("""
            SELECT COALESCE(town, ''), matter_id, COUNT(*) FROM pb_matters WHERE at >= @from AND at < @to
            GROUP BY COALESCE(town, ''), matter_id ORDER BY COUNT(*) DESC, COALESCE(town, ''), matter_id
            """, [("from", SqlStore.Ms(since)), ("to", SqlStore.Ms(until))],
            r => new MatterDemand(r.GetString(0), r.GetString(1), Convert.ToInt32(r.GetValue(2), System.Globalization.CultureInfo.InvariantCulture)), cancellationToken);

    public async Task<PublicityFigures> FiguresAsync(DateTimeOffset since, DateTimeOffset until, CancellationToken cancellationToken)
    {
        (string, object?)[] range = [("from", SqlStore.Ms(since)), ("to", SqlStore.Ms(until))];
        var lessons = await _db.QueryAsync("SELECT COALESCE(town, ''), COALESCE(campaign_id, '') FROM pb_lessons WHERE at >= @from AND at < @to", range,
            r => (Town: r.GetString(0), Campaign: r.GetString(1)), cancellationToken).ConfigureAwait(false);
        var quizzes = await _db.QueryAsync("SELECT COALESCE(town, ''), COALESCE(campaign_id, ''), participant, correct, total FROM pb_quizzes WHERE at >= @from AND at < @to AND total > 0", range,
            r => (Town: r.GetString(0), Campaign: r.GetString(1), Participant: r.GetString(2), Score: 100.0 * r.GetInt32(3) / r.GetInt32(4)), cancellationToken).ConfigureAwait(false);
        List<PublicityFigureRow> By(Func<(string Town, string Campaign), string> lessonKey, Func<(string Town, string Campaign, string Participant, double Score), string> quizKey) =>
            lessons.Select(lessonKey).Concat(quizzes.Select(quizKey)).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)
                .Select(k =>
                {
                    var q = quizzes.Where(x => quizKey(x) == k).ToList();
                    return new PublicityFigureRow(k, lessons.Count(x => lessonKey(x) == k), q.Count, q.Select(x => x.Participant).Distinct().Count(),
                        q.Count == 0 ? 0 : Math.Round(q.Average(x => x.Score), 1));
                }).ToList();
        return new PublicityFigures(lessons.Count, quizzes.Count, quizzes.Select(x => x.Participant).Distinct().Count(),
            quizzes.Count == 0 ? 0 : Math.Round(quizzes.Average(x => x.Score), 1), By(l => l.Town, q => q.Town), By(l => l.Campaign, q => q.Campaign));
    }

    public Task SubscribeAsync(Subscriber subscriber, CancellationToken cancellationToken) =>
        // A renewed opt-in after an opt-out is a new consent; a repeated one keeps the first.
        _db.WriteAsync("""
            INSERT INTO pb_subscribers (user_id, conversation_id, channel, consent_at, last_seen_at) VALUES (@user, @conv, @channel, @at, @at)
            ON CONFLICT (user_id) DO UPDATE SET conversation_id = excluded.conversation_id, last_seen_at = excluded.last_seen_at,
                consent_at = CASE WHEN pb_subscribers.opted_out_at IS NULL THEN pb_subscribers.consent_at ELSE excluded.consent_at END,
                opted_out_at = NULL
            """, [("user", subscriber.UserId), ("conv", subscriber.ConversationId), ("channel", subscriber.Channel), ("at", SqlStore.Ms(subscriber.ConsentAt))], cancellationToken);

    public async Task<bool> UnsubscribeAsync(string userId, DateTimeOffset at, CancellationToken cancellationToken) =>
        await _db.WriteAsync("UPDATE pb_subscribers SET opted_out_at = @at WHERE user_id = @user AND opted_out_at IS NULL",
            [("at", SqlStore.Ms(at)), ("user", userId)], cancellationToken).ConfigureAwait(false) > 0;

    public Task TouchAsync(string userId, DateTimeOffset at, CancellationToken cancellationToken) =>
        _db.WriteAsync("UPDATE pb_subscribers SET last_seen_at = @at WHERE user_id = @user AND last_seen_at < @at", [("at", SqlStore.Ms(at)), ("user", userId)], cancellationToken);

    public Task<IReadOnlyList<Subscriber>> DueAsync(string channel, DateTimeOffset sentBefore, DateTimeOffset seenSince, int limit, CancellationToken cancellationToken) =>
        _db.QueryAsync("""
            SELECT user_id, conversation_id, channel, consent_at, last_seen_at, last_sent_at FROM pb_subscribers
            WHERE channel = @channel AND opted_out_at IS NULL AND last_seen_at >= @seen AND (last_sent_at IS NULL OR last_sent_at <= @sent)
            ORDER BY last_seen_at LIMIT @limit
            """, [("channel", channel), ("seen", SqlStore.Ms(seenSince)), ("sent", SqlStore.Ms(sentBefore)), ("limit", limit)],
            r => new Subscriber(r.GetString(0), r.GetString(1), r.GetString(2), SqlStore.At(r.GetInt64(3)), SqlStore.At(r.GetInt64(4)), r.IsDBNull(5) ? null : SqlStore.At(r.GetInt64(5))),
            cancellationToken);

    public async Task<bool> ClaimDeliveryAsync(string userId, DateTimeOffset sentBefore, DateTimeOffset now, CancellationToken cancellationToken) =>
        await _db.WriteAsync("""
            UPDATE pb_subscribers SET last_sent_at = @now
            WHERE user_id = @user AND opted_out_at IS NULL AND (last_sent_at IS NULL OR last_sent_at <= @sent)
            """, [("now", SqlStore.Ms(now)), ("user", userId), ("sent", SqlStore.Ms(sentBefore))], cancellationToken).ConfigureAwait(false) == 1;

    public async Task<int> PurgeAsync(DateTimeOffset cutoff, CancellationToken cancellationToken) =>
        await _db.WriteAsync("DELETE FROM pb_lessons WHERE at < @cutoff", [("cutoff", SqlStore.Ms(cutoff))], cancellationToken).ConfigureAwait(false)
        + await _db.WriteAsync("DELETE FROM pb_matters WHERE at < @cutoff", [("cutoff", SqlStore.Ms(cutoff))], cancellationToken).ConfigureAwait(false)
        + await _db.WriteAsync("DELETE FROM pb_quizzes WHERE at < @cutoff", [("cutoff", SqlStore.Ms(cutoff))], cancellationToken).ConfigureAwait(false);

    public ValueTask DisposeAsync() => _db.DisposeAsync();
}
