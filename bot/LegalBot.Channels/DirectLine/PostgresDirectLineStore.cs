using System.Text.Json;
using LegalBot.Cases.Privacy;
using LegalBot.Cases.Storage;
using LegalBot.Channels.BotFramework;
using Npgsql;

namespace LegalBot.Channels.DirectLine;

/// <summary>
/// Direct Line conversations in the shared PostgreSQL (<c>Cases__Database=postgresql</c>), so every instance serves every
/// web chat: sequence numbers are reserved atomically in the conversation row, so two instances appending at once never
/// share one. Activities are encrypted as in <see cref="SqliteDirectLineStore"/>.
/// </summary>
public sealed class PostgresDirectLineStore(string connectionString, IFieldProtector protector, DirectLineLimits? limits = null)
    : IDirectLineStore, IAsyncDisposable
{
    // Activities go with their conversation (ON DELETE CASCADE), so a sweep is one statement.
    private readonly PostgresSchema _schema = new(connectionString, 7283451902, """
        CREATE TABLE IF NOT EXISTS dl_conversations (id TEXT PRIMARY KEY, next_seq BIGINT NOT NULL, last_used BIGINT NOT NULL);
        CREATE INDEX IF NOT EXISTS dl_conversations_by_use ON dl_conversations (last_used);
        CREATE TABLE IF NOT EXISTS dl_activities (conversation_id TEXT NOT NULL REFERENCES dl_conversations (id) ON DELETE CASCADE,
            seq BIGINT NOT NULL, body TEXT NOT NULL, bytes INTEGER NOT NULL, PRIMARY KEY (conversation_id, seq));
        """);
    private readonly DirectLineLimits _limits = limits ?? DirectLineLimits.Default;
    private static readonly TimeSpan TouchEvery = TimeSpan.FromMinutes(1);

    public async Task<IReadOnlyList<string>> AppendAsync(string conversationId, IReadOnlyList<Activity> activities, DateTimeOffset now,
        CancellationToken cancellationToken)
    {
        await using var c = await OpenAsync(cancellationToken).ConfigureAwait(false);
        // Only a new conversation can take the store over its cap (and counting is not free).
        if (await ScalarAsync(Command(c, "SELECT 1 FROM dl_conversations WHERE id = @id", ("id", conversationId)), cancellationToken).ConfigureAwait(false) is null
            && await CountAsync(c, cancellationToken).ConfigureAwait(false) >= _limits.MaxConversations)
            await SweepAsync(c, now, cancellationToken).ConfigureAwait(false);
        await using var tx = await c.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        // Reserve the range of sequence numbers: the row lock orders concurrent appenders of this conversation.
        var end = Convert.ToInt64(await ScalarAsync(Command(c, """
            INSERT INTO dl_conversations (id, next_seq, last_used) VALUES (@id, @n, @now)
            ON CONFLICT (id) DO UPDATE SET next_seq = dl_conversations.next_seq + @n, last_used = @now
            RETURNING next_seq
            """, ("id", conversationId), ("n", (long)activities.Count), ("now", now.ToUnixTimeMilliseconds())), cancellationToken).ConfigureAwait(false));
        var seq = end - activities.Count;
        var ids = new List<string>(activities.Count);
        foreach (var activity in activities)
        {
            var json = DirectLineStamp.Apply(activity, conversationId, seq);
            await NonQueryAsync(Command(c, "INSERT INTO dl_activities (conversation_id, seq, body, bytes) VALUES (@id, @seq, @body, @bytes)",
                ("id", conversationId), ("seq", seq), ("body", protector.Protect(System.Text.Encoding.UTF8.GetString(json), Context(conversationId, seq))),
                ("bytes", json.Length)), cancellationToken).ConfigureAwait(false);
            ids.Add(activity.Id!);
            seq++;
        }
        // Keep the newest within the caps (count and bytes); the newest activity always stays.
        await NonQueryAsync(Command(c, """
            DELETE FROM dl_activities a USING (
                SELECT seq FROM (
                    SELECT seq, SUM(bytes) OVER (ORDER BY seq DESC) AS total, ROW_NUMBER() OVER (ORDER BY seq DESC) AS rank
                    FROM dl_activities WHERE conversation_id = @id) t
                WHERE rank > 1 AND (rank > @items OR total > @bytes)) old
            WHERE a.conversation_id = @id AND a.seq = old.seq
            """, ("id", conversationId), ("items", (long)_limits.MaxActivitiesPerConversation), ("bytes", (long)_limits.MaxBytesPerConversation)),
            cancellationToken).ConfigureAwait(false);
        await tx.CommitAsync(cancellationToken).ConfigureAwait(false);
        return ids;
    }

    public async Task<DirectLineBatch?> ReadAsync(string conversationId, long watermark, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var c = await OpenAsync(cancellationToken).ConfigureAwait(false);
        long next, lastUsed;
        await using (var head = Command(c, "SELECT next_seq, last_used FROM dl_conversations WHERE id = @id", ("id", conversationId)))
        await using (var r = await head.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
        {
            if (!await r.ReadAsync(cancellationToken).ConfigureAwait(false)) return null;
            (next, lastUsed) = (r.GetInt64(0), r.GetInt64(1));
        }
        var activities = new List<Activity>();
        if (watermark < next - 1)
        {
            await using var cmd = Command(c, "SELECT seq, body FROM dl_activities WHERE conversation_id = @id AND seq > @w ORDER BY seq",
                ("id", conversationId), ("w", watermark));
            await using var r = await cmd.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await r.ReadAsync(cancellationToken).ConfigureAwait(false))
                activities.Add(JsonSerializer.Deserialize<Activity>(protector.Unprotect(r.GetString(1), Context(conversationId, r.GetInt64(0))), ActivityJson.Options)!);
        }
        if (now.ToUnixTimeMilliseconds() - lastUsed > TouchEvery.TotalMilliseconds)
            await NonQueryAsync(Command(c, "UPDATE dl_conversations SET last_used = GREATEST(last_used, @now) WHERE id = @id",
                ("id", conversationId), ("now", now.ToUnixTimeMilliseconds())), cancellationToken).ConfigureAwait(false);
        return new DirectLineBatch(activities, next - 1);
    }

    public async Task<int> SweepAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var c = await OpenAsync(cancellationToken).ConfigureAwait(false);
        return await SweepAsync(c, now, cancellationToken).ConfigureAwait(false);
    }

    private async Task<int> SweepAsync(NpgsqlConnection c, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var removed = await NonQueryAsync(Command(c, "DELETE FROM dl_conversations WHERE last_used < @before",
            ("before", (now - _limits.Idle).ToUnixTimeMilliseconds())), cancellationToken).ConfigureAwait(false);
        var kept = await CountAsync(c, cancellationToken).ConfigureAwait(false);
        if (kept >= _limits.MaxConversations)
            removed += await NonQueryAsync(Command(c, "DELETE FROM dl_conversations WHERE id IN (SELECT id FROM dl_conversations ORDER BY last_used LIMIT @n)",
                ("n", (long)(kept - _limits.MaxConversations * 9 / 10))), cancellationToken).ConfigureAwait(false);
        return removed;
    }

    public async Task<int> CountAsync(CancellationToken cancellationToken)
    {
        await using var c = await OpenAsync(cancellationToken).ConfigureAwait(false);
        return await CountAsync(c, cancellationToken).ConfigureAwait(false);
    }

    private static async Task<int> CountAsync(NpgsqlConnection c, CancellationToken cancellationToken) =>
        Convert.ToInt32(await ScalarAsync(Command(c, "SELECT COUNT(*) FROM dl_conversations"), cancellationToken).ConfigureAwait(false));

    public ValueTask DisposeAsync() => _schema.DisposeAsync();

    private static string Context(string conversationId, long seq) => $"directline:{conversationId}:{seq}";

    private Task<NpgsqlConnection> OpenAsync(CancellationToken cancellationToken) => _schema.OpenAsync(cancellationToken);

    private static NpgsqlCommand Command(NpgsqlConnection c, string sql, params (string Name, object Value)[] parameters) =>
        Postgres.Command(c, sql, parameters);

    private static Task<int> NonQueryAsync(NpgsqlCommand cmd, CancellationToken cancellationToken) => Postgres.NonQueryAsync(cmd, cancellationToken);

    private static Task<object?> ScalarAsync(NpgsqlCommand cmd, CancellationToken cancellationToken) => Postgres.ScalarAsync(cmd, cancellationToken);
}
