using System.Data.Common;
using LegalBot.Cases.Privacy;
using LegalBot.Cases.Storage;
using Microsoft.Data.Sqlite;

namespace LegalBot.Conversation.Publicity;

/// <summary>
/// The publicity store over SQL: a SQLite file under the data folder by default, the shared PostgreSQL when instances
/// share data. Both dialects run the same statements (times are Unix milliseconds, ids come back with RETURNING);
/// only the schema differs. Holds no names: participants are digests, nickname and town only when given for a board.
/// </summary>
public sealed class SqlPublicityStore : IPublicityStore, IAsyncDisposable
{
    private const string Tables = """
        CREATE TABLE IF NOT EXISTS pb_lessons (id {0}, lesson_id TEXT NOT NULL, channel TEXT NOT NULL, campaign_id TEXT, town TEXT, at BIGINT NOT NULL);
        CREATE INDEX IF NOT EXISTS pb_lessons_by_time ON pb_lessons (at);
        CREATE TABLE IF NOT EXISTS pb_quizzes (id {0}, participant TEXT NOT NULL, channel TEXT NOT NULL, campaign_id TEXT, correct INTEGER NOT NULL,
            total INTEGER NOT NULL, nickname TEXT, town TEXT, at BIGINT NOT NULL);
        CREATE INDEX IF NOT EXISTS pb_quizzes_by_time ON pb_quizzes (at);
        CREATE INDEX IF NOT EXISTS pb_quizzes_by_campaign ON pb_quizzes (campaign_id, town);
        CREATE TABLE IF NOT EXISTS pb_matters (id {0}, matter_id TEXT NOT NULL, channel TEXT NOT NULL, town TEXT, at BIGINT NOT NULL);
        CREATE INDEX IF NOT EXISTS pb_matters_by_time ON pb_matters (at);
        CREATE TABLE IF NOT EXISTS pb_subscribers (user_id TEXT PRIMARY KEY, conversation_id TEXT NOT NULL, channel TEXT NOT NULL,
            consent_at BIGINT NOT NULL, opted_out_at BIGINT, last_seen_at BIGINT NOT NULL, last_sent_at BIGINT);
        """;

    private readonly Func<CancellationToken, Task<DbConnection>> _connect;
    private readonly SemaphoreSlim? _writeLock;
    private readonly IAsyncDisposable? _owned;

    private SqlPublicityStore(Func<CancellationToken, Task<DbConnection>> connect, SemaphoreSlim? writeLock, IAsyncDisposable? owned)
    {
        _connect = connect;
        _writeLock = writeLock;
        _owned = owned;
    }

    public static async Task<SqlPublicityStore> OpenSqliteAsync(string databasePath, CancellationToken cancellationToken)
    {
        DataFiles.EnsurePrivate(databasePath);
        // WAL + synchronous=NORMAL like the other stores: no fsync per lesson read or matter answered.
        var cs = Sqlite.ConnectionString(databasePath);
        async Task<DbConnection> Connect(CancellationToken ct) => await Sqlite.OpenAsync(cs, ct).ConfigureAwait(false);
        // One writer at a time, as for the conversation store: SQLite allows one, and queueing beats busy-retry.
        var store = new SqlPublicityStore(Connect, new SemaphoreSlim(1, 1), null);
        await using var c = await Connect(cancellationToken).ConfigureAwait(false);
        await ExecuteAsync(c, "PRAGMA journal_mode = WAL;" + Tables.Replace("{0}", "INTEGER PRIMARY KEY AUTOINCREMENT", StringComparison.Ordinal), [], cancellationToken).ConfigureAwait(false);
        return store;
    }

    public static SqlPublicityStore OpenPostgres(string connectionString)
    {
        var schema = new PostgresSchema(connectionString, 7283451911, Tables.Replace("{0}", "BIGSERIAL PRIMARY KEY", StringComparison.Ordinal));
        return new SqlPublicityStore(async ct => await schema.OpenAsync(ct).ConfigureAwait(false), null, schema);
    }

    private static long Ms(DateTimeOffset t) => t.ToUnixTimeMilliseconds();
    private static DateTimeOffset At(long ms) => DateTimeOffset.FromUnixTimeMilliseconds(ms);

    public Task RecordLessonAsync(LessonRead read, CancellationToken cancellationToken) =>
        WriteAsync("INSERT INTO pb_lessons (lesson_id, channel, campaign_id, town, at) VALUES (@lesson, @channel, @campaign, @town, @at)",
            [("lesson", read.LessonId), ("channel", read.Channel), ("campaign", read.CampaignId), ("town", read.Town), ("at", Ms(read.At))], cancellationToken);

    public async Task<long> RecordQuizAsync(QuizResult result, CancellationToken cancellationToken)
    {
        var id = await WriteScalarAsync("""
            INSERT INTO pb_quizzes (participant, channel, campaign_id, correct, total, nickname, town, at)
            VALUES (@p, @channel, @campaign, @correct, @total, @nick, @town, @at) RETURNING id
            """, [("p", result.Participant), ("channel", result.Channel), ("campaign", result.CampaignId), ("correct", result.Correct), ("total", result.Total),
                  ("nick", result.Nickname), ("town", result.Town), ("at", Ms(result.At))], cancellationToken).ConfigureAwait(false);
        return Convert.ToInt64(id, System.Globalization.CultureInfo.InvariantCulture);
    }

    public Task JoinLeaderboardAsync(long resultId, string nickname, string town, CancellationToken cancellationToken) =>
        WriteAsync("UPDATE pb_quizzes SET nickname = @nick, town = @town WHERE id = @id", [("nick", nickname), ("town", town), ("id", resultId)], cancellationToken);

    public async Task<IReadOnlyList<LeaderboardRow>> LeaderboardAsync(string campaignId, int limit, CancellationToken cancellationToken)
    {
        // Each participant counts once per town, with their best score.
        var rows = await QueryAsync("""
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

    public Task RecordMatterAskedAsync(MatterAsked asked, CancellationToken cancellationToken) =>
        WriteAsync("INSERT INTO pb_matters (matter_id, channel, town, at) VALUES (@matter, @channel, @town, @at)",
            [("matter", asked.MatterId), ("channel", asked.Channel), ("town", asked.Town), ("at", Ms(asked.At))], cancellationToken);

    public Task<IReadOnlyList<MatterDemand>> MattersAskedAsync(DateTimeOffset since, DateTimeOffset until, CancellationToken cancellationToken) =>
        QueryAsync("""
            SELECT COALESCE(town, ''), matter_id, COUNT(*) FROM pb_matters WHERE at >= @from AND at < @to
            GROUP BY COALESCE(town, ''), matter_id ORDER BY COUNT(*) DESC, COALESCE(town, ''), matter_id
            """, [("from", Ms(since)), ("to", Ms(until))],
            r => new MatterDemand(r.GetString(0), r.GetString(1), Convert.ToInt32(r.GetValue(2), System.Globalization.CultureInfo.InvariantCulture)), cancellationToken);

    public async Task<PublicityFigures> FiguresAsync(DateTimeOffset since, DateTimeOffset until, CancellationToken cancellationToken)
    {
        (string, object?)[] range = [("from", Ms(since)), ("to", Ms(until))];
        var lessons = await QueryAsync("SELECT COALESCE(town, ''), COALESCE(campaign_id, '') FROM pb_lessons WHERE at >= @from AND at < @to", range,
            r => (Town: r.GetString(0), Campaign: r.GetString(1)), cancellationToken).ConfigureAwait(false);
        var quizzes = await QueryAsync("SELECT COALESCE(town, ''), COALESCE(campaign_id, ''), participant, correct, total FROM pb_quizzes WHERE at >= @from AND at < @to AND total > 0", range,
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
        WriteAsync("""
            INSERT INTO pb_subscribers (user_id, conversation_id, channel, consent_at, last_seen_at) VALUES (@user, @conv, @channel, @at, @at)
            ON CONFLICT (user_id) DO UPDATE SET conversation_id = excluded.conversation_id, last_seen_at = excluded.last_seen_at,
                consent_at = CASE WHEN pb_subscribers.opted_out_at IS NULL THEN pb_subscribers.consent_at ELSE excluded.consent_at END,
                opted_out_at = NULL
            """, [("user", subscriber.UserId), ("conv", subscriber.ConversationId), ("channel", subscriber.Channel), ("at", Ms(subscriber.ConsentAt))], cancellationToken);

    public async Task<bool> UnsubscribeAsync(string userId, DateTimeOffset at, CancellationToken cancellationToken) =>
        await WriteCountAsync("UPDATE pb_subscribers SET opted_out_at = @at WHERE user_id = @user AND opted_out_at IS NULL",
            [("at", Ms(at)), ("user", userId)], cancellationToken).ConfigureAwait(false) > 0;

    public Task TouchAsync(string userId, DateTimeOffset at, CancellationToken cancellationToken) =>
        WriteAsync("UPDATE pb_subscribers SET last_seen_at = @at WHERE user_id = @user AND last_seen_at < @at", [("at", Ms(at)), ("user", userId)], cancellationToken);

    public Task<IReadOnlyList<Subscriber>> DueAsync(string channel, DateTimeOffset sentBefore, DateTimeOffset seenSince, int limit, CancellationToken cancellationToken) =>
        QueryAsync("""
            SELECT user_id, conversation_id, channel, consent_at, last_seen_at, last_sent_at FROM pb_subscribers
            WHERE channel = @channel AND opted_out_at IS NULL AND last_seen_at >= @seen AND (last_sent_at IS NULL OR last_sent_at <= @sent)
            ORDER BY last_seen_at LIMIT @limit
            """, [("channel", channel), ("seen", Ms(seenSince)), ("sent", Ms(sentBefore)), ("limit", limit)],
            r => new Subscriber(r.GetString(0), r.GetString(1), r.GetString(2), At(r.GetInt64(3)), At(r.GetInt64(4)), r.IsDBNull(5) ? null : At(r.GetInt64(5))),
            cancellationToken);

    public async Task<bool> ClaimDeliveryAsync(string userId, DateTimeOffset sentBefore, DateTimeOffset now, CancellationToken cancellationToken) =>
        await WriteCountAsync("""
            UPDATE pb_subscribers SET last_sent_at = @now
            WHERE user_id = @user AND opted_out_at IS NULL AND (last_sent_at IS NULL OR last_sent_at <= @sent)
            """, [("now", Ms(now)), ("user", userId), ("sent", Ms(sentBefore))], cancellationToken).ConfigureAwait(false) == 1;

    public async Task<int> PurgeAsync(DateTimeOffset cutoff, CancellationToken cancellationToken) =>
        await WriteCountAsync("DELETE FROM pb_lessons WHERE at < @cutoff", [("cutoff", Ms(cutoff))], cancellationToken).ConfigureAwait(false)
        + await WriteCountAsync("DELETE FROM pb_matters WHERE at < @cutoff", [("cutoff", Ms(cutoff))], cancellationToken).ConfigureAwait(false)
        + await WriteCountAsync("DELETE FROM pb_quizzes WHERE at < @cutoff", [("cutoff", Ms(cutoff))], cancellationToken).ConfigureAwait(false);

    private async Task WriteAsync(string sql, (string, object?)[] parameters, CancellationToken cancellationToken) =>
        await WriteCountAsync(sql, parameters, cancellationToken).ConfigureAwait(false);

    private Task<int> WriteCountAsync(string sql, (string, object?)[] parameters, CancellationToken cancellationToken) =>
        WithWriterAsync(async c => await ExecuteAsync(c, sql, parameters, cancellationToken).ConfigureAwait(false), cancellationToken);

    private Task<object?> WriteScalarAsync(string sql, (string, object?)[] parameters, CancellationToken cancellationToken) =>
        WithWriterAsync(async c =>
        {
            await using var cmd = Command(c, sql, parameters);
            return await cmd.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
        }, cancellationToken);

    private async Task<T> WithWriterAsync<T>(Func<DbConnection, Task<T>> write, CancellationToken cancellationToken)
    {
        if (_writeLock is not null) await _writeLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await using var c = await _connect(cancellationToken).ConfigureAwait(false);
            return await write(c).ConfigureAwait(false);
        }
        finally
        {
            _writeLock?.Release();
        }
    }

    private async Task<IReadOnlyList<T>> QueryAsync<T>(string sql, (string, object?)[] parameters, Func<DbDataReader, T> read, CancellationToken cancellationToken)
    {
        await using var c = await _connect(cancellationToken).ConfigureAwait(false);
        await using var cmd = Command(c, sql, parameters);
        await using var r = await cmd.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var list = new List<T>();
        while (await r.ReadAsync(cancellationToken).ConfigureAwait(false)) list.Add(read(r));
        return list;
    }

    private static async Task<int> ExecuteAsync(DbConnection c, string sql, (string, object?)[] parameters, CancellationToken cancellationToken)
    {
        await using var cmd = Command(c, sql, parameters);
        return await cmd.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    private static DbCommand Command(DbConnection c, string sql, (string Name, object? Value)[] parameters)
    {
        var cmd = c.CreateCommand();
        cmd.CommandText = sql;
        foreach (var (name, value) in parameters)
        {
            var p = cmd.CreateParameter();
            p.ParameterName = "@" + name;
            p.Value = value ?? DBNull.Value;
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
