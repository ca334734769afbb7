using System.Collections.Concurrent;

namespace LegalBot.Channels.WeChat;

/// <summary>The single-instance ledger: this process is the only producer, so leases never need taking over.</summary>
public sealed class InMemoryWeChatLedger(TimeProvider time, TimeSpan timestampWindow) : IWeChatDeliveryLedger
{
    private readonly ConcurrentDictionary<string, Entry> _entries = new(StringComparer.Ordinal);
    private readonly ReplayGuard _signatures = new(timestampWindow, time);

    public Task<bool> TryBeginAsync(string key, CancellationToken cancellationToken) =>
        Task.FromResult(_entries.TryAdd(key, new Entry(time.GetUtcNow())));

    public Task RenewAsync(string key, CancellationToken cancellationToken) => Task.CompletedTask;

    public Task CompleteAsync(string key, WeChatOutcome outcome, CancellationToken cancellationToken)
    {
        if (_entries.TryGetValue(key, out var entry)) entry.Outcome = outcome;
        return Task.CompletedTask;
    }

    public Task<WeChatOutcome?> GetOutcomeAsync(string key, CancellationToken cancellationToken) =>
        Task.FromResult(_entries.TryGetValue(key, out var entry) ? entry.Outcome : null);

    public Task<bool> TryClaimAsync(string key, CancellationToken cancellationToken) =>
        Task.FromResult(_entries.TryGetValue(key, out var entry) && Interlocked.Exchange(ref entry.Claimed, 1) == 0);

    public Task<bool> AcceptSignatureAsync(string timestamp, string nonce, byte[] bodyHash, CancellationToken cancellationToken) =>
        Task.FromResult(_signatures.Accept(timestamp, nonce, bodyHash));

    public Task<int> SweepAsync(DateTimeOffset before, CancellationToken cancellationToken)
    {
        var removed = 0;
        foreach (var (key, entry) in _entries)
            if (entry.CreatedAt < before && _entries.TryRemove(key, out _)) removed++;
        return Task.FromResult(removed);
    }

    private sealed class Entry(DateTimeOffset createdAt)
    {
        public DateTimeOffset CreatedAt { get; } = createdAt;
        public volatile WeChatOutcome? Outcome;
        public int Claimed;
    }
}
