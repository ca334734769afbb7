using System.Text.Json;
using LegalBot.Cases.Privacy;
using Microsoft.Data.Sqlite;
using static LegalBot.Cases.Storage.Sqlite;

namespace LegalBot.Channels.BotFramework;

/// <summary>A Bot Framework reply waiting to reach its channel.</summary>
public sealed record PendingReply(long Id, string ConversationKey, Activity Reply, int Attempts, DateTimeOffset Created);

/// <summary>
/// Replies a channel's connector did not take (down, 5xx, 429, timeout) wait here, in order per conversation, and are
/// retried with backoff by the service's dispatcher: a reply is delivered late rather than lost. SQLite under the
/// data folder (<c>replies.db</c>), each reply encrypted like the conversation state. Leases keep one sender per reply.
/// </summary>
public sealed class ReplyOutbox : IDisposable
{
    private readonly string _connectionString;
    private readonly IFieldProtector _protector;
    private readonly SemaphoreSlim _writeLock = new(1, 1);

    private ReplyOutbox(string connectionString, IFieldProtector protector)
    {
        _connectionString = connectionString;
        _protector = protector;
    }

    public static async Task<ReplyOutbox> OpenAsync(string databasePath, IFieldProtector protector, CancellationToken cancellationToken)
    {
        DataFiles.EnsurePrivate(databasePath);
        var outbox = new ReplyOutbox(ConnectionString(databasePath), protector);
        await using var c = await outbox.ConnectAsync(cancellationToken).ConfigureAwait(false);
        await NonQueryAsync(Command(c, """
            PRAGMA journal_mode = WAL;
            CREATE TABLE IF NOT EXISTS bf_outbox (id INTEGER PRIMARY KEY AUTOINCREMENT, conversation_key TEXT NOT NULL, body TEXT NOT NULL,
                attempts INTEGER NOT NULL DEFAULT 0, due INTEGER NOT NULL, leased_until INTEGER NOT NULL DEFAULT 0, created INTEGER NOT NULL,
                last_error TEXT);
            CREATE INDEX IF NOT EXISTS bf_outbox_by_conversation ON bf_outbox (conversation_key, id);
            """), cancellationToken).ConfigureAwait(false);
        return outbox;
    }

    /// <summary>Whether the conversation has replies still waiting (a new reply must queue behind them, to keep the order).</summary>
    public async Task<bool> HasPendingAsync(string conversationKey, CancellationToken cancellationToken)
    {
        await using var c = await ConnectAsync(cancellationToken).ConfigureAwait(false);
        return await ScalarAsync(Command(c, "SELECT 1 FROM bf_outbox WHERE conversation_key = $k LIMIT 1", ("$k", conversationKey)), cancellationToken)
            .ConfigureAwait(false) is not null;
    }

    public async Task EnqueueAsync(string conversationKey, IReadOnlyList<Activity> replies, DateTimeOffset due, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await _writeLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await using var c = await ConnectAsync(cancellationToken).ConfigureAwait(false);
            await using var tx = (SqliteTransaction)await c.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
            foreach (var reply in replies)
                await NonQueryAsync(Command(c, "INSERT INTO bf_outbox (conversation_key, body, due, created) VALUES ($k, $b, $due, $now)",
                    ("$k", conversationKey), ("$b", _protector.Protect(JsonSerializer.Serialize(reply, ActivityJson.Options), Context(conversationKey))),
                    ("$due", due.ToUnixTimeMilliseconds()), ("$now", now.ToUnixTimeMilliseconds())), cancellationToken).ConfigureAwait(false);
            await tx.CommitAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _writeLock.Release();
        }
    }

    /// <summary>The oldest waiting reply of each conversation that is due and not being sent, leased to the caller.</summary>
    public async Task<IReadOnlyList<PendingReply>> LeaseDueAsync(DateTimeOffset now, TimeSpan lease, int max, CancellationToken cancellationToken)
    {
        await _writeLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await using var c = await ConnectAsync(cancellationToken).ConfigureAwait(false);
            await using var tx = (SqliteTransaction)await c.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
            var due = new List<PendingReply>();
            await using (var cmd = Command(c, """
                SELECT id, conversation_key, body, attempts, created FROM bf_outbox o
                WHERE id = (SELECT MIN(id) FROM bf_outbox WHERE conversation_key = o.conversation_key) AND due <= $now AND leased_until <= $now
                ORDER BY id LIMIT $max
                """, ("$now", now.ToUnixTimeMilliseconds()), ("$max", max)))
            await using (var r = await cmd.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
                while (await r.ReadAsync(cancellationToken).ConfigureAwait(false))
                    due.Add(new PendingReply(r.GetInt64(0), r.GetString(1),
                        JsonSerializer.Deserialize<Activity>(_protector.Unprotect(r.GetString(2), Context(r.GetString(1))), ActivityJson.Options)!,
                        r.GetInt32(3), DateTimeOffset.FromUnixTimeMilliseconds(r.GetInt64(4))));
            foreach (var p in due)
                await NonQueryAsync(Command(c, "UPDATE bf_outbox SET leased_until = $until WHERE id = $id", ("$id", p.Id), ("$until", (now + lease).ToUnixTimeMilliseconds())),
                    cancellationToken).ConfigureAwait(false);
            await tx.CommitAsync(cancellationToken).ConfigureAwait(false);
            return due;
        }
        finally
        {
            _writeLock.Release();
        }
    }

    /// <summary>Delivered, or given up on: the reply leaves the outbox.</summary>
    public Task RemoveAsync(long id, CancellationToken cancellationToken) =>
        WriteAsync("DELETE FROM bf_outbox WHERE id = $id", cancellationToken, ("$id", id));

    public Task RetryLaterAsync(long id, string error, DateTimeOffset due, CancellationToken cancellationToken) =>
        WriteAsync("UPDATE bf_outbox SET attempts = attempts + 1, due = $due, leased_until = 0, last_error = $e WHERE id = $id", cancellationToken,
            ("$id", id), ("$due", due.ToUnixTimeMilliseconds()), ("$e", error.Length > 200 ? error[..200] : error));

    public async Task<int> CountAsync(CancellationToken cancellationToken)
    {
        await using var c = await ConnectAsync(cancellationToken).ConfigureAwait(false);
        return Convert.ToInt32(await ScalarAsync(Command(c, "SELECT COUNT(*) FROM bf_outbox"), cancellationToken).ConfigureAwait(false));
    }

    public void Dispose() => _writeLock.Dispose();

    private async Task WriteAsync(string sql, CancellationToken cancellationToken, params (string Name, object Value)[] parameters)
    {
        await _writeLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await using var c = await ConnectAsync(cancellationToken).ConfigureAwait(false);
            await NonQueryAsync(Command(c, sql, parameters), cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _writeLock.Release();
        }
    }

    private static string Context(string conversationKey) => "bf-outbox:" + conversationKey;

    private Task<SqliteConnection> ConnectAsync(CancellationToken cancellationToken) => Cases.Storage.Sqlite.OpenAsync(_connectionString, cancellationToken);
}
