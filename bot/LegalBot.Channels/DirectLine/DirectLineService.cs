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
/// watermark polling and token refresh. Every call is authorised by a token scoped to one conversation.
/// </summary>
public sealed class DirectLineService(ConversationEngine engine, DirectLineTokens tokens, IMessageRateGate rateGate, TimeProvider time)
{
    public const string ChannelId = "webchat";
    public const int MaxActivitiesKept = 500;
    private readonly ConcurrentDictionary<string, ConversationLog> _conversations = new(StringComparer.Ordinal);

    /// <summary>Starts a conversation for a new anonymous user (what the web page asks for).</summary>
    public DirectLineConversation StartConversation(string? userId = null)
    {
        var conversationId = NewId(16);
        var user = string.IsNullOrWhiteSpace(userId) || userId.StartsWith("dl_", StringComparison.Ordinal) ? "u_" + NewId(10) : userId;
        _conversations.TryAdd(conversationId, new ConversationLog(conversationId));
        return Describe(conversationId, tokens.Issue(conversationId, user));
    }

    /// <summary><c>POST /conversations</c> with a token: the token's conversation (created on first use).</summary>
    public DirectLineConversation OpenConversation(string? bearer)
    {
        var claims = Authorize(bearer, null);
        _conversations.GetOrAdd(claims.ConversationId, id => new ConversationLog(id));
        return Describe(claims.ConversationId, bearer!);
    }

    /// <summary><c>GET /conversations/{id}</c>: reconnect to an existing conversation.</summary>
    public DirectLineConversation Reconnect(string? bearer, string conversationId)
    {
        var claims = Authorize(bearer, conversationId);
        _conversations.GetOrAdd(claims.ConversationId, id => new ConversationLog(id));
        return Describe(conversationId, bearer!);
    }

    public DirectLineConversation Refresh(string? bearer)
    {
        var claims = Authorize(bearer, null);
        return Describe(claims.ConversationId, tokens.Issue(claims.ConversationId, claims.UserId));
    }

    /// <summary><c>POST /conversations/{id}/activities</c>: returns the id given to the user's activity.</summary>
    public async Task<string> PostActivityAsync(string? bearer, string conversationId, Activity activity, CancellationToken cancellationToken)
    {
        var claims = Authorize(bearer, conversationId);
        if (string.IsNullOrWhiteSpace(activity.Type)) throw new DirectLineException(400, "BadArgument", "activity.type is required");
        var log = _conversations.GetOrAdd(conversationId, id => new ConversationLog(id));

        // Stamp server-side fields; the user id comes from the token, not from the client.
        activity.From = new ChannelAccount { Id = claims.UserId, Name = activity.From?.Name, Role = "user" };
        activity.Conversation = new ConversationAccount { Id = conversationId };
        activity.Recipient = new ChannelAccount { Id = "legalbot", Name = "LegalBot", Role = "bot" };
        activity.ChannelId = ChannelId;
        activity.Timestamp = Now();
        var id = log.Append(activity);

        if (activity.Type != ActivityTypes.Message) return id;
        IReadOnlyList<OutboundReply> replies = rateGate.TryEnter(claims.UserId)
            ? await engine.HandleAsync(ActivityMapper.ToInbound(activity), cancellationToken).ConfigureAwait(false)
            : [new OutboundReply(ReplyKind.Acknowledgement, "consult", ConversationTexts.RateLimited, null, [], [], [], [], 1, null)];
        foreach (var reply in ActivityMapper.ToActivities(replies, activity, time.GetUtcNow())) log.Append(reply);
        return id;
    }

    /// <summary><c>GET /conversations/{id}/activities?watermark=W</c>.</summary>
    public ActivitySet GetActivities(string? bearer, string conversationId, string? watermark)
    {
        Authorize(bearer, conversationId);
        if (!_conversations.TryGetValue(conversationId, out var log)) throw new DirectLineException(404, "BadArgument", "unknown conversation");
        var after = long.TryParse(watermark, NumberStyles.None, CultureInfo.InvariantCulture, out var w) ? w : -1;
        var (activities, last) = log.After(after);
        return new ActivitySet { Activities = activities, Watermark = last.ToString(CultureInfo.InvariantCulture) };
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

    /// <summary>One conversation's activity stream; the watermark is the sequence number of the last activity.</summary>
    private sealed class ConversationLog(string conversationId)
    {
        private readonly Lock _lock = new();
        private readonly List<(long Seq, Activity Activity)> _items = [];
        private long _next;

        public string Append(Activity activity)
        {
            lock (_lock)
            {
                var seq = _next++;
                activity.Id = $"{conversationId}|{seq.ToString("D7", CultureInfo.InvariantCulture)}";
                // Web Chat orders by this when present; it keeps the echo and replies in posting order.
                activity.ChannelData = WithSequence(activity.ChannelData, seq);
                _items.Add((seq, activity));
                if (_items.Count > MaxActivitiesKept) _items.RemoveRange(0, _items.Count - MaxActivitiesKept);
                return activity.Id;
            }
        }

        public (IReadOnlyList<Activity> Activities, long Watermark) After(long watermark)
        {
            lock (_lock)
            {
                var list = _items.Where(i => i.Seq > watermark).Select(i => i.Activity).ToList();
                return (list, _next - 1);
            }
        }

        private static JsonElement WithSequence(JsonElement? channelData, long seq)
        {
            var dict = channelData is { ValueKind: JsonValueKind.Object } obj
                ? obj.EnumerateObject().ToDictionary(p => p.Name, p => (object?)p.Value.Clone())
                : [];
            dict["webchat:sequence-id"] = seq;
            return JsonSerializer.SerializeToElement(dict);
        }
    }
}
