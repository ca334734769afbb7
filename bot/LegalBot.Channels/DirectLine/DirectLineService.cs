using System.Collections.Concurrent;
using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using LegalBot.Channels.BotFramework;
using LegalBot.Conversation;

namespace LegalBot.Channels.DirectLine;

/// <summary>
/// The Direct Line 3.0 conversation logic behind <c>/v3/directline</c>: conversations, posting activities
/// (the user's activity is echoed into the stream with its <c>clientActivityID</c>, then the bot's replies),
/// watermark polling and token refresh. Every call is authorised by a token scoped to one conversation, and the
/// engine sees the conversation as <c>webchat:{id}</c> (<see cref="ChannelIdentity"/>), so nothing posted here
/// can reach another channel's conversation. Memory is bounded by <see cref="DirectLineLimits"/>.
/// </summary>
/// <param name="gates">Per conversation and per client address: a new token per message gains nothing.</param>
public sealed class DirectLineService(IConversationHandler engine, DirectLineTokens tokens, RateGates gates, TimeProvider time,
    DirectLineLimits? limits = null)
{
    public const string ChannelId = "webchat";
    private readonly DirectLineLimits _limits = limits ?? DirectLineLimits.Default;
    private readonly ConcurrentDictionary<string, ConversationLog> _conversations = new(StringComparer.Ordinal);
    private readonly Lock _sweepLock = new();

    /// <summary>Conversations held in memory now (for health and the flood tests).</summary>
    public int ConversationCount => _conversations.Count;

    /// <summary>Starts a conversation for a new anonymous user (what the web page asks for). Stores nothing until it is used.</summary>
    public DirectLineConversation StartConversation()
    {
        var conversationId = NewId(16);
        return Describe(conversationId, tokens.Issue(conversationId, "u_" + NewId(10)));
    }

    /// <summary><c>POST /conversations</c> with a token: the token's conversation.</summary>
    public DirectLineConversation OpenConversation(string? bearer)
    {
        var claims = Authorize(bearer, null);
        return Describe(claims.ConversationId, bearer!);
    }

    /// <summary><c>GET /conversations/{id}</c>: reconnect to an existing conversation.</summary>
    public DirectLineConversation Reconnect(string? bearer, string conversationId)
    {
        Authorize(bearer, conversationId);
        return Describe(conversationId, bearer!);
    }

    public DirectLineConversation Refresh(string? bearer)
    {
        var claims = Authorize(bearer, null);
        return Describe(claims.ConversationId, tokens.Issue(claims.ConversationId, claims.UserId));
    }

    /// <summary><c>POST /conversations/{id}/activities</c>: returns the id given to the user's activity.</summary>
    /// <param name="size">The request body's size in bytes (activities over the limits are refused).</param>
    /// <param name="clientAddress">The caller's address as the server trusts it (forwarded only from known proxies).</param>
    public async Task<string> PostActivityAsync(string? bearer, string conversationId, Activity activity, int size, string clientAddress,
        CancellationToken cancellationToken)
    {
        var claims = Authorize(bearer, conversationId);
        if (string.IsNullOrWhiteSpace(activity.Type)) throw new DirectLineException(400, "BadArgument", "activity.type is required");
        var isMessage = activity.Type == ActivityTypes.Message;
        if (size > (isMessage ? _limits.MaxUserActivityBytes : _limits.MaxOtherActivityBytes))
            throw new DirectLineException(413, "BadArgument", "activity too large");
        var identity = new ChannelIdentity(ChannelId, conversationId, claims.UserId);
        // Every activity costs a slot, so a stream of events cannot flood the store either.
        var allowed = gates.PerSender.TryEnter(identity.ConversationKey) && gates.PerClient.TryEnter(clientAddress);
        if (!allowed && !isMessage) throw new DirectLineException(429, "TooManyRequests", "too many activities, slow down");
        var log = Log(conversationId);

        // Stamp server-side fields; the user id comes from the token, not from the client.
        activity.From = new ChannelAccount { Id = claims.UserId, Name = Shorten(activity.From?.Name), Role = "user" };
        activity.Conversation = new ConversationAccount { Id = conversationId };
        activity.Recipient = new ChannelAccount { Id = "legalbot", Name = "LegalBot", Role = "bot" };
        activity.ChannelId = ChannelId;
        activity.Timestamp = Now();
        var id = log.Append(activity, time.GetUtcNow());

        if (!isMessage) return id;
        IReadOnlyList<OutboundReply> replies = allowed
            ? await engine.HandleAsync(ActivityMapper.ToInbound(activity, identity), cancellationToken).ConfigureAwait(false)
            : [new OutboundReply(ReplyKind.Acknowledgement, "consult", ConversationTexts.RateLimited, null, [], [], [], [], 1, null)];
        foreach (var reply in ActivityMapper.ToActivities(replies, activity, time.GetUtcNow())) log.Append(reply, time.GetUtcNow());
        return id;
    }

    /// <summary><c>GET /conversations/{id}/activities?watermark=W</c>.</summary>
    public ActivitySet GetActivities(string? bearer, string conversationId, string? watermark)
    {
        Authorize(bearer, conversationId);
        var after = long.TryParse(watermark, NumberStyles.None, CultureInfo.InvariantCulture, out var w) ? w : -1;
        // A valid token for a conversation nothing was posted to yet (or that was evicted while idle) has an empty stream.
        if (!_conversations.TryGetValue(conversationId, out var log))
            return new ActivitySet { Activities = [], Watermark = after < 0 ? "" : after.ToString(CultureInfo.InvariantCulture) };
        var (activities, last) = log.After(after, time.GetUtcNow());
        return new ActivitySet { Activities = activities, Watermark = last < 0 ? "" : last.ToString(CultureInfo.InvariantCulture) };
    }

    /// <summary>
    /// Drops conversations idle past the limit, then, while over the cap, the least recently used. Called by the
    /// host on a timer and whenever a new conversation would exceed the cap.
    /// </summary>
    public int Sweep()
    {
        lock (_sweepLock)
        {
            var now = time.GetUtcNow();
            var removed = 0;
            foreach (var (id, log) in _conversations)
                if (now - log.LastUsed > _limits.Idle && _conversations.TryRemove(id, out _)) removed++;
            var excess = _conversations.Count - _limits.MaxConversations * 9 / 10;
            if (excess > 0 && _conversations.Count > _limits.MaxConversations)
            {
                foreach (var (id, _) in _conversations.OrderBy(c => c.Value.LastUsed).Take(excess).ToList())
                    if (_conversations.TryRemove(id, out _)) removed++;
            }
            return removed;
        }
    }

    private ConversationLog Log(string conversationId)
    {
        if (_conversations.TryGetValue(conversationId, out var existing)) return existing;
        if (_conversations.Count >= _limits.MaxConversations) Sweep();
        return _conversations.GetOrAdd(conversationId, id => new ConversationLog(id, _limits, time.GetUtcNow()));
    }

    private TokenClaims Authorize(string? bearer, string? conversationId)
    {
        if (string.IsNullOrEmpty(bearer)) throw new DirectLineException(401, "BadArgument", "missing Authorization: Bearer token");
        var claims = tokens.Validate(bearer) ?? throw new DirectLineException(403, "TokenExpired", "token is invalid or expired");
        if (conversationId is not null && !string.Equals(claims.ConversationId, conversationId, StringComparison.Ordinal))
            throw new DirectLineException(403, "BadArgument", "token is not valid for this conversation");
        return claims;
    }

    private DirectLineConversation Describe(string conversationId, string token) =>
        new() { ConversationId = conversationId, Token = token, ExpiresIn = (int)tokens.Lifetime.TotalSeconds };

    private string Now() => time.GetUtcNow().ToUniversalTime().ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture);

    private static string NewId(int bytes) => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(bytes));

    private static string? Shorten(string? name) => name is { Length: > 64 } ? name[..64] : name;

    /// <summary>One conversation's activity stream; the watermark is the sequence number of the last activity.</summary>
    private sealed class ConversationLog(string conversationId, DirectLineLimits limits, DateTimeOffset created)
    {
        private readonly Lock _lock = new();
        private readonly Queue<(long Seq, Activity Activity, int Bytes)> _items = [];
        private long _next;
        private long _bytes;
        private long _lastUsedTicks = created.UtcTicks;

        public DateTimeOffset LastUsed => new(Interlocked.Read(ref _lastUsedTicks), TimeSpan.Zero);

        public string Append(Activity activity, DateTimeOffset now)
        {
            lock (_lock)
            {
                var seq = _next++;
                activity.Id = $"{conversationId}|{seq.ToString("D7", CultureInfo.InvariantCulture)}";
                // Web Chat orders by this when present; it keeps the echo and replies in posting order.
                activity.ChannelData = WithSequence(activity.ChannelData, seq);
                var bytes = JsonSerializer.SerializeToUtf8Bytes(activity, ActivityJson.Options).Length;
                _items.Enqueue((seq, activity, bytes));
                _bytes += bytes;
                while (_items.Count > 1 && (_items.Count > limits.MaxActivitiesPerConversation || _bytes > limits.MaxBytesPerConversation))
                    _bytes -= _items.Dequeue().Bytes;
                Interlocked.Exchange(ref _lastUsedTicks, now.UtcTicks);
                return activity.Id;
            }
        }

        public (IReadOnlyList<Activity> Activities, long Watermark) After(long watermark, DateTimeOffset now)
        {
            Interlocked.Exchange(ref _lastUsedTicks, now.UtcTicks);
            lock (_lock)
            {
                var list = _items.Where(i => i.Seq > watermark).Select(i => i.Activity).ToList();
                return (list, _next - 1);
            }
        }

        private static JsonElement WithSequence(JsonElement? channelData, long seq)
        {
            var dict = channelData is { ValueKind: JsonValueKind.Object } obj
                ? obj.EnumerateObject().Take(32).ToDictionary(p => p.Name, p => (object?)p.Value.Clone())
                : [];
            dict["webchat:sequence-id"] = seq;
            return JsonSerializer.SerializeToElement(dict);
        }
    }
}
