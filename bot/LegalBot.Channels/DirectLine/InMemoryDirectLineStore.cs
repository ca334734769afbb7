using System.Collections.Concurrent;
using LegalBot.Channels.BotFramework;

namespace LegalBot.Channels.DirectLine;

/// <summary>Conversations in this process only (tests, and a deliberately stateless deployment): lost on restart.</summary>
public sealed class InMemoryDirectLineStore(DirectLineLimits? limits = null) : IDirectLineStore
{
    private readonly DirectLineLimits _limits = limits ?? DirectLineLimits.Default;
    private readonly ConcurrentDictionary<string, Log> _conversations = new(StringComparer.Ordinal);
    private readonly Lock _sweepLock = new();

    public async Task<IReadOnlyList<string>> AppendAsync(string conversationId, IReadOnlyList<Activity> activities, DateTimeOffset now, CancellationToken cancellationToken)
    {
        if (!_conversations.TryGetValue(conversationId, out var log))
        {
            if (_conversations.Count >= _limits.MaxConversations) await SweepAsync(now, cancellationToken).ConfigureAwait(false);
            log = _conversations.GetOrAdd(conversationId, _ => new Log(now));
        }
        return log.Append(conversationId, activities, _limits, now);
    }

    public Task<DirectLineBatch?> ReadAsync(string conversationId, long watermark, DateTimeOffset now, CancellationToken cancellationToken) =>
        Task.FromResult(_conversations.TryGetValue(conversationId, out var log) ? log.After(watermark, now) : null);

    public Task<int> SweepAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        lock (_sweepLock)
        {
            var removed = 0;
            foreach (var (id, log) in _conversations)
                if (now - log.LastUsed > _limits.Idle && _conversations.TryRemove(id, out _)) removed++;
            var excess = _conversations.Count - _limits.MaxConversations * 9 / 10;
            if (excess > 0 && _conversations.Count >= _limits.MaxConversations)
                foreach (var (id, _) in _conversations.OrderBy(c => c.Value.LastUsed).Take(excess).ToList())
                    if (_conversations.TryRemove(id, out _)) removed++;
            return Task.FromResult(removed);
        }
    }

    public Task<int> CountAsync(CancellationToken cancellationToken) => Task.FromResult(_conversations.Count);

    private sealed class Log(DateTimeOffset created)
    {
        private readonly Lock _lock = new();
        private readonly Queue<(long Seq, Activity Activity, int Bytes)> _items = [];
        private long _next;
        private long _bytes;
        private long _lastUsedTicks = created.UtcTicks;

        public DateTimeOffset LastUsed => new(Interlocked.Read(ref _lastUsedTicks), TimeSpan.Zero);

        public List<string> Append(string conversationId, IReadOnlyList<Activity> activities, DirectLineLimits limits, DateTimeOffset now)
        {
            lock (_lock)
            {
                var ids = new List<string>(activities.Count);
                foreach (var activity in activities)
                {
                    var seq = _next++;
                    var bytes = DirectLineStamp.Apply(activity, conversationId, seq).Length;
                    _items.Enqueue((seq, activity, bytes));
                    _bytes += bytes;
                    ids.Add(activity.Id!);
                }
                while (_items.Count > 1 && (_items.Count > limits.MaxActivitiesPerConversation || _bytes > limits.MaxBytesPerConversation))
                    _bytes -= _items.Dequeue().Bytes;
                Interlocked.Exchange(ref _lastUsedTicks, now.UtcTicks);
                return ids;
            }
        }

        public DirectLineBatch After(long watermark, DateTimeOffset now)
        {
            Interlocked.Exchange(ref _lastUsedTicks, now.UtcTicks);
            lock (_lock) return new DirectLineBatch(_items.Where(i => i.Seq > watermark).Select(i => i.Activity).ToList(), _next - 1);
        }
    }
}
