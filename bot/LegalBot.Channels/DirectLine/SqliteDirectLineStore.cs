using System.Text;
using System.Text.Json;
using LegalBot.Cases.Privacy;
using LegalBot.Channels.BotFramework;
using Microsoft.Data.Sqlite;
using static LegalBot.Cases.Storage.Sqlite;

namespace LegalBot.Channels.DirectLine;

/// <summary>
/// The default Direct Line store: <c>directline.db</c> (SQLite, WAL) in the data folder, so a restart or a deploy does
/// not end anyone's web chat. Activities carry what citizens typed (names, phone numbers during an application), so
/// each is encrypted with the data folder's key before it is written; conversations go when idle, as in memory.
/// </summary>
public sealed class SqliteDirectLineStore : IDirectLineStore, IDisposable
{
    private readonly string _connectionString;
    private readonly IFieldProtector _protector;
    private readonly DirectLineLimits _limits;
    // One writer at a time keeps SQLite off its busy-retry path.
    private readonly SemaphoreSlim _writeLock = new(1, 1);
    // A poll marks the conversation used at most this often (a poll a second would otherwise be a write a second).
    private static readonly TimeSpan TouchEvery = TimeSpan.FromMinutes(1);

    private SqliteDirectLineStore(string connectionString, IFieldProtector protector, DirectLineLimits limits)
    {
        _connectionString = connectionString;
        _protector = protector;
        _limits = limits;
    }

    public static async Task<SqliteDirectLineStore> OpenAsync(string databasePath, IFieldProtector protector, DirectLineLimits? limits,
        CancellationToken cancellationToken)
    {
        DataFiles.EnsurePrivate(databasePath);
        var store = new SqliteDirectLineStore(ConnectionString(databasePath), protector, limits ?? DirectLineLimits.Default);
        await using var c = await store.ConnectAsync(cancellationToken).ConfigureAwait(false);
        await NonQueryAsync(Command(c, """
            PRAGMA journal_mode = WAL;
            CREATE TABLE IF NOT EXISTS dl_conversations (id TEXT PRIMARY KEY, next_seq INTEGER NOT NULL, items INTEGER NOT NULL,
                bytes INTEGER NOT NULL, last_used INTEGER NOT NULL);
            CREATE INDEX IF NOT EXISTS dl_conversations_by_use ON dl_conversations (last_used);
            CREATE TABLE IF NOT EXISTS dl_activities (conversation_id TEXT NOT NULL, seq INTEGER NOT NULL, body TEXT NOT NULL,
                bytes INTEGER NOT NULL, PRIMARY KEY (conversation_id, seq));
            """), cancellationToken).ConfigureAwait(false);
        return store;
    }

    public async Task<IReadOnlyList<string>> AppendAsync(string conversationId, IReadOnlyList<Activity> activities, DateTimeOffset now,
        CancellationToken cancellationToken)
    {
        await _writeLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await using var c = await ConnectAsync(cancellationToken).ConfigureAwait(false);
            // Only a new conversation can take the store over its cap (and counting is not free).
            if (!await ExistsAsync(c, conversationId, cancellationToken).ConfigureAwait(false) && await CountAsync(c, cancellationToken).ConfigureAwait(false) >= _limits.MaxConversations)
                await SweepCoreAsync(c, now, cancellationToken).ConfigureAwait(false);
            await using var tx = (SqliteTransaction)await c.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
            long next = 0, items = 0, bytes = 0;
            await using (var read = Command(c, "SELECT next_seq, items, bytes FROM dl_conversations WHERE id = $id", ("$id", conversationId)))
            await using (var r = await read.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
                if (await r.ReadAsync(cancellationToken).ConfigureAwait(false)) (next, items, bytes) = (r.GetInt64(0), r.GetInt64(1), r.GetInt64(2));

            var ids = new List<string>(activities.Count);
            foreach (var activity in activities)
            {
                var seq = next++;
                var json = DirectLineStamp.Apply(activity, conversationId, seq);
                await NonQueryAsync(Command(c, "INSERT INTO dl_activities (conversation_id, seq, body, bytes) VALUES ($id, $seq, $body, $bytes)",
                        ("$id", conversationId), ("$seq", seq), ("$body", _protector.Protect(Encoding.UTF8.GetString(json), Context(conversationId, seq))), ("$bytes", json.Length)), cancellationToken).ConfigureAwait(false);
                items++;
                bytes += json.Length;
                ids.Add(activity.Id!);
            }
            (items, bytes) = await TrimAsync(c, conversationId, items, bytes, cancellationToken).ConfigureAwait(false);
            await NonQueryAsync(Command(c, """
                INSERT INTO dl_conversations (id, next_seq, items, bytes, last_used) VALUES ($id, $next, $items, $bytes, $now)
                ON CONFLICT (id) DO UPDATE SET next_seq = excluded.next_seq, items = excluded.items, bytes = excluded.bytes, last_used = excluded.last_used
                """, ("$id", conversationId), ("$next", next), ("$items", items), ("$bytes", bytes), ("$now", now.ToUnixTimeMilliseconds())), cancellationToken).ConfigureAwait(false);
            await tx.CommitAsync(cancellationToken).ConfigureAwait(false);
            return ids;
        }
        finally
        {
            _writeLock.Release();
        }
    }

    /// <summary>Drops the oldest activities while the stream is over its caps (the newest always stays).</summary>
    private async Task<(long Items, long Bytes)> TrimAsync(SqliteConnection c, string conversationId, long items, long bytes, CancellationToken cancellationToken)
    {
        if (items <= _limits.MaxActivitiesPerConversation && bytes <= _limits.MaxBytesPerConversation) return (items, bytes);
        long cut = -1;
        await using (var oldest = Command(c, "SELECT seq, bytes FROM dl_activities WHERE conversation_id = $id ORDER BY seq", ("$id", conversationId)))
        await using (var r = await oldest.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
            while (items > 1 && (items > _limits.MaxActivitiesPerConversation || bytes > _limits.MaxBytesPerConversation)
                   && await r.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                cut = r.GetInt64(0);
                bytes -= r.GetInt64(1);
                items--;
            }
        if (cut >= 0)
            await NonQueryAsync(Command(c, "DELETE FROM dl_activities WHERE conversation_id = $id AND seq <= $cut", ("$id", conversationId), ("$cut", cut)), cancellationToken).ConfigureAwait(false);
        return (items, bytes);
    }

    public async Task<DirectLineBatch?> ReadAsync(string conversationId, long watermark, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var c = await ConnectAsync(cancellationToken).ConfigureAwait(false);
        long next, lastUsed;
        await using (var head = Command(c, "SELECT next_seq, last_used FROM dl_conversations WHERE id = $id", ("$id", conversationId)))
        await using (var r = await head.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
        {
            if (!await r.ReadAsync(cancellationToken).ConfigureAwait(false)) return null;
            (next, lastUsed) = (r.GetInt64(0), r.GetInt64(1));
        }
        var activities = new List<Activity>();
        if (watermark < next - 1)
        {
            await using var cmd = Command(c, "SELECT seq, body FROM dl_activities WHERE conversation_id = $id AND seq > $w ORDER BY seq",
                ("$id", conversationId), ("$w", watermark));
            await using var r = await cmd.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await r.ReadAsync(cancellationToken).ConfigureAwait(false))
                activities.Add(JsonSerializer.Deserialize<Activity>(_protector.Unprotect(r.GetString(1), Context(conversationId, r.GetInt64(0))), ActivityJson.Options)!);
        }
        if (now.ToUnixTimeMilliseconds() - lastUsed > TouchEvery.TotalMilliseconds)
        {
            await _writeLock.WaitAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                await NonQueryAsync(Command(c, "UPDATE dl_conversations SET last_used = $now WHERE id = $id", ("$id", conversationId), ("$now", now.ToUnixTimeMilliseconds())), cancellationToken).ConfigureAwait(false);
            }
            finally
            {
                _writeLock.Release();
            }
        }
        return new DirectLineBatch(activities, next - 1);
    }

    public async Task<int> SweepAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        await _writeLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await using var c = await ConnectAsync(cancellationToken).ConfigureAwait(false);
            return await SweepCoreAsync(c, now, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _writeLock.Release();
        }
    }

    private async Task<int> SweepCoreAsync(SqliteConnection c, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var tx = (SqliteTransaction)await c.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        var idleBefore = (now - _limits.Idle).ToUnixTimeMilliseconds();
        await NonQueryAsync(Command(c, "CREATE TEMP TABLE IF NOT EXISTS dl_gone (id TEXT PRIMARY KEY); DELETE FROM dl_gone;"), cancellationToken).ConfigureAwait(false);
        await NonQueryAsync(Command(c, "INSERT INTO dl_gone SELECT id FROM dl_conversations WHERE last_used < $before", ("$before", idleBefore)), cancellationToken).ConfigureAwait(false);
        var kept = Convert.ToInt64(await ScalarAsync(Command(c, "SELECT COUNT(*) FROM dl_conversations WHERE id NOT IN (SELECT id FROM dl_gone)"), cancellationToken).ConfigureAwait(false));
        if (kept >= _limits.MaxConversations)
            await NonQueryAsync(Command(c, "INSERT OR IGNORE INTO dl_gone SELECT id FROM dl_conversations WHERE id NOT IN (SELECT id FROM dl_gone) ORDER BY last_used LIMIT $n",
                    ("$n", kept - _limits.MaxConversations * 9L / 10)), cancellationToken).ConfigureAwait(false);
        await NonQueryAsync(Command(c, "DELETE FROM dl_activities WHERE conversation_id IN (SELECT id FROM dl_gone)"), cancellationToken).ConfigureAwait(false);
        var removed = await NonQueryAsync(Command(c, "DELETE FROM dl_conversations WHERE id IN (SELECT id FROM dl_gone)"), cancellationToken).ConfigureAwait(false);
        await tx.CommitAsync(cancellationToken).ConfigureAwait(false);
        return removed;
    }

    public async Task<int> CountAsync(CancellationToken cancellationToken)
    {
        await using var c = await ConnectAsync(cancellationToken).ConfigureAwait(false);
        return await CountAsync(c, cancellationToken).ConfigureAwait(false);
    }

    private static async Task<int> CountAsync(SqliteConnection c, CancellationToken cancellationToken) =>
        Convert.ToInt32(await ScalarAsync(Command(c, "SELECT COUNT(*) FROM dl_conversations"), cancellationToken).ConfigureAwait(false));

    private static async Task<bool> ExistsAsync(SqliteConnection c, string conversationId, CancellationToken cancellationToken) =>
        await ScalarAsync(Command(c, "SELECT 1 FROM dl_conversations WHERE id = $id", ("$id", conversationId)), cancellationToken).ConfigureAwait(false) is not null;

    /// <summary>Binds each ciphertext to its conversation and place, so rows cannot be swapped between conversations.</summary>
    private static string Context(string conversationId, long seq) => $"directline:{conversationId}:{seq}";

    private Task<SqliteConnection> ConnectAsync(CancellationToken cancellationToken) => Cases.Storage.Sqlite.OpenAsync(_connectionString, cancellationToken);

    public void Dispose() => _writeLock.Dispose();
}
