using System.Security.Cryptography;
using System.Text.Json;
using LegalBot.Cases.Privacy;
using LegalBot.Cases.Storage;
using Npgsql;

namespace LegalBot.Channels.WeChat;

/// <summary>
/// The delivery ledger in the shared PostgreSQL, so instances behind a plain round-robin balancer answer each
/// message once. Answers carry what citizens typed, so they are stored encrypted like conversation state.
/// </summary>
/// <param name="lease">How long a producer's claim lasts without renewal; WeChat retries 5 s apart, so a few seconds.</param>
public sealed class PostgresWeChatLedger(string connectionString, IFieldProtector protector, TimeProvider time, TimeSpan lease)
    : IWeChatDeliveryLedger, IAsyncDisposable
{
    private readonly PostgresSchema _schema = new(connectionString, 7283451903, """
        CREATE TABLE IF NOT EXISTS wx_deliveries (key TEXT PRIMARY KEY, owner TEXT NOT NULL, lease_until BIGINT NOT NULL,
            outcome TEXT, claimed BOOLEAN NOT NULL DEFAULT FALSE, created_at BIGINT NOT NULL);
        CREATE INDEX IF NOT EXISTS wx_deliveries_by_age ON wx_deliveries (created_at);
        CREATE TABLE IF NOT EXISTS wx_signatures (signature TEXT PRIMARY KEY, body_hash BYTEA NOT NULL, created_at BIGINT NOT NULL);
        CREATE INDEX IF NOT EXISTS wx_signatures_by_age ON wx_signatures (created_at);
        """);

    /// <summary>This process, as the owner of the leases it holds.</summary>
    private readonly string _owner = Guid.NewGuid().ToString("N");

    private long Now => time.GetUtcNow().ToUnixTimeMilliseconds();

    public async Task<bool> TryBeginAsync(string key, CancellationToken cancellationToken)
    {
        await using var c = await _schema.OpenAsync(cancellationToken).ConfigureAwait(false);
        // New, or taken over from a producer whose lease ran out with no answer: one statement, so only one instance wins.
        var won = await Postgres.ScalarAsync(Postgres.Command(c, """
            INSERT INTO wx_deliveries (key, owner, lease_until, created_at) VALUES (@key, @owner, @until, @now)
            ON CONFLICT (key) DO UPDATE SET owner = @owner, lease_until = @until
                WHERE wx_deliveries.outcome IS NULL AND wx_deliveries.lease_until < @now
            RETURNING owner
            """, ("key", key), ("owner", _owner), ("until", Now + (long)lease.TotalMilliseconds), ("now", Now)), cancellationToken).ConfigureAwait(false);
        return won is not null;
    }

    public async Task RenewAsync(string key, CancellationToken cancellationToken)
    {
        await using var c = await _schema.OpenAsync(cancellationToken).ConfigureAwait(false);
        await Postgres.NonQueryAsync(Postgres.Command(c, "UPDATE wx_deliveries SET lease_until = @until WHERE key = @key AND owner = @owner AND outcome IS NULL",
            ("key", key), ("owner", _owner), ("until", Now + (long)lease.TotalMilliseconds)), cancellationToken).ConfigureAwait(false);
    }

    public async Task CompleteAsync(string key, WeChatOutcome outcome, CancellationToken cancellationToken)
    {
        var json = JsonSerializer.Serialize(new StoredOutcome(outcome.Message, outcome.Parts, outcome.Article, outcome.Silent));
        await using var c = await _schema.OpenAsync(cancellationToken).ConfigureAwait(false);
        await Postgres.NonQueryAsync(Postgres.Command(c, "UPDATE wx_deliveries SET outcome = @outcome WHERE key = @key AND outcome IS NULL",
            ("key", key), ("outcome", protector.Protect(json, Context(key)))), cancellationToken).ConfigureAwait(false);
    }

    public async Task<WeChatOutcome?> GetOutcomeAsync(string key, CancellationToken cancellationToken)
    {
        await using var c = await _schema.OpenAsync(cancellationToken).ConfigureAwait(false);
        if (await Postgres.ScalarAsync(Postgres.Command(c, "SELECT outcome FROM wx_deliveries WHERE key = @key", ("key", key)), cancellationToken)
                .ConfigureAwait(false) is not string sealedOutcome) return null;
        var stored = JsonSerializer.Deserialize<StoredOutcome>(protector.Unprotect(sealedOutcome, Context(key)))!;
        return WeChatOutcome.Restore(stored.Message, stored.Parts, stored.Article, stored.Silent);
    }

    public async Task<bool> TryClaimAsync(string key, CancellationToken cancellationToken)
    {
        await using var c = await _schema.OpenAsync(cancellationToken).ConfigureAwait(false);
        return await Postgres.NonQueryAsync(Postgres.Command(c, "UPDATE wx_deliveries SET claimed = TRUE WHERE key = @key AND NOT claimed", ("key", key)),
            cancellationToken).ConfigureAwait(false) == 1;
    }

    public async Task<bool> AcceptSignatureAsync(string timestamp, string nonce, byte[] bodyHash, CancellationToken cancellationToken)
    {
        await using var c = await _schema.OpenAsync(cancellationToken).ConfigureAwait(false);
        await Postgres.NonQueryAsync(Postgres.Command(c, "INSERT INTO wx_signatures (signature, body_hash, created_at) VALUES (@s, @h, @now) ON CONFLICT DO NOTHING",
            ("s", timestamp + "|" + nonce), ("h", bodyHash), ("now", Now)), cancellationToken).ConfigureAwait(false);
        var first = (byte[])(await Postgres.ScalarAsync(Postgres.Command(c, "SELECT body_hash FROM wx_signatures WHERE signature = @s", ("s", timestamp + "|" + nonce)),
            cancellationToken).ConfigureAwait(false))!;
        return CryptographicOperations.FixedTimeEquals(first, bodyHash);
    }

    public async Task<int> SweepAsync(DateTimeOffset before, CancellationToken cancellationToken)
    {
        await using var c = await _schema.OpenAsync(cancellationToken).ConfigureAwait(false);
        var cutoff = before.ToUnixTimeMilliseconds();
        return await Postgres.NonQueryAsync(Postgres.Command(c, "DELETE FROM wx_deliveries WHERE created_at < @t", ("t", cutoff)), cancellationToken).ConfigureAwait(false)
            + await Postgres.NonQueryAsync(Postgres.Command(c, "DELETE FROM wx_signatures WHERE created_at < @t", ("t", cutoff)), cancellationToken).ConfigureAwait(false);
    }

    public ValueTask DisposeAsync() => _schema.DisposeAsync();

    private static string Context(string key) => "wechat-delivery:" + key;

    private sealed record StoredOutcome(string Message, IReadOnlyList<string> Parts, NewsArticle? Article, bool Silent);
}
