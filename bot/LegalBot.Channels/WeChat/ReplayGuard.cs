using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;

namespace LegalBot.Channels.WeChat;

/// <summary>
/// In plain mode WeChat's signature covers only (token, timestamp, nonce), not the body: a captured signature would
/// otherwise carry any body for the whole timestamp window. Each (timestamp, nonce) is accepted with one body only;
/// the same body again is WeChat retrying and passes (deduplication answers it once). Entries outlive the window
/// a little and are then forgotten; the set is capped so a flood of fresh nonces cannot grow it without bound.
/// </summary>
public sealed class ReplayGuard(TimeSpan window, TimeProvider time, int capacity = 200_000)
{
    private readonly ConcurrentDictionary<string, (byte[] BodyHash, long Seen)> _seen = new(StringComparer.Ordinal);
    private long _lastSweep = time.GetTimestamp();

    /// <summary>False when this (timestamp, nonce) was already used with another body.</summary>
    public bool Accept(string timestamp, string nonce, string body) => Accept(timestamp, nonce, BodyHash(body));

    public static byte[] BodyHash(string body) => SHA256.HashData(Encoding.UTF8.GetBytes(body));

    /// <inheritdoc cref="Accept(string, string, string)"/>
    public bool Accept(string timestamp, string nonce, byte[] hash)
    {
        var now = time.GetTimestamp();
        SweepOccasionally(now);
        var entry = _seen.GetOrAdd(timestamp + "|" + nonce, (hash, now));
        return CryptographicOperations.FixedTimeEquals(entry.BodyHash, hash);
    }

    public int Count => _seen.Count;

    private void SweepOccasionally(long now)
    {
        var last = Interlocked.Read(ref _lastSweep);
        var due = time.GetElapsedTime(last, now) > TimeSpan.FromSeconds(30) || _seen.Count >= capacity;
        if (!due || Interlocked.CompareExchange(ref _lastSweep, now, last) != last) return;
        // Twice the window: a timestamp at the far edge of the window is still refused later as stale.
        foreach (var (key, entry) in _seen)
            if (time.GetElapsedTime(entry.Seen, now) > window * 2) _seen.TryRemove(key, out _);
        // Still full (a flood within the window): forget the oldest half; their timestamps age out of the window soon.
        if (_seen.Count >= capacity)
            foreach (var (key, _) in _seen.OrderBy(e => e.Value.Seen).Take(_seen.Count / 2).ToList()) _seen.TryRemove(key, out _);
    }
}
