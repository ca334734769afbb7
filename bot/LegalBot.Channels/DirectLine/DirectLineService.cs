using System.Globalization;
using System.Security.Cryptography;
using LegalBot.Channels.BotFramework;
using LegalBot.Conversation;

namespace LegalBot.Channels.DirectLine;

/// <summary>
/// The Direct Line 3.0 conversation logic behind <c>/v3/directline</c>: conversations, posting activities
/// (the user's activity is echoed into the stream with its <c>clientActivityID</c>, then the bot's replies),
/// watermark polling, the WebSocket stream's reads and token refresh. Every call is authorised by a token scoped to
/// one conversation, and the engine sees the conversation as <c>webchat:{id}</c> (<see cref="ChannelIdentity"/>), so
/// nothing posted here can reach another channel's conversation. Streams live in an <see cref="IDirectLineStore"/>
/// (durable by default), bounded by <see cref="DirectLineLimits"/>.
/// </summary>
/// <param name="gates">Per conversation and per client address: a new token per message gains nothing.</param>
public sealed class DirectLineService(IConversationHandler engine, DirectLineTokens tokens, RateGates gates, TimeProvider time,
    IDirectLineStore store, DirectLineLimits? limits = null, DirectLineSignals? signals = null)
{
    public const string ChannelId = "webchat";
    private readonly DirectLineLimits _limits = limits ?? DirectLineLimits.Default;

    /// <summary>Wakes open WebSocket streams of this process.</summary>
    public DirectLineSignals Signals { get; } = signals ?? new DirectLineSignals();

    /// <summary>Conversations held now (for health and the flood tests).</summary>
    public Task<int> ConversationCountAsync(CancellationToken cancellationToken) => store.CountAsync(cancellationToken);

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

    /// <summary>Checks a token for a conversation (the WebSocket stream's upgrade request).</summary>
    public void AuthorizeStream(string? token, string conversationId) => Authorize(token, conversationId);

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

        // The citizen opening the page (Web Chat's conversationUpdate with the user added): the county's greeting, once.
        if (activity.Type == ActivityTypes.ConversationUpdate && activity.MembersAdded?.Count > 0)
            return await GreetAsync(activity, identity, allowed, cancellationToken).ConfigureAwait(false);

        // Stamp server-side fields; the user id comes from the token, not from the client.
        activity.From = new ChannelAccount { Id = claims.UserId, Name = Shorten(activity.From?.Name), Role = "user" };
        activity.Conversation = new ConversationAccount { Id = conversationId };
        activity.Recipient = new ChannelAccount { Id = "legalbot", Name = "LegalBot", Role = "bot" };
        activity.ChannelId = ChannelId;
        activity.Timestamp = Now();
        // The echo is stored first, so Web Chat sees the message as sent even while the answer is being composed.
        var id = (await store.AppendAsync(conversationId, [activity], time.GetUtcNow(), cancellationToken).ConfigureAwait(false))[0];
        Signals.Pulse(conversationId);

        if (!isMessage) return id;
        IReadOnlyList<OutboundReply> replies = allowed
            ? await engine.HandleAsync(ActivityMapper.ToInbound(activity, identity), cancellationToken).ConfigureAwait(false)
            : [new OutboundReply(ReplyKind.Acknowledgement, "consult", ConversationTexts.RateLimited, null, [], [], [], [], 1, null)];
        var activities = ActivityMapper.ToActivities(replies, activity, time.GetUtcNow()).ToList();
        // The citizen's message was handled: its replies are stored even if the client has gone meanwhile.
        if (activities.Count > 0) await store.AppendAsync(conversationId, activities, time.GetUtcNow(), CancellationToken.None).ConfigureAwait(false);
        Signals.Pulse(conversationId);
        return id;
    }

    /// <summary>
    /// Greets a conversation nothing was said in yet, as Direct Line does when a user joins (the engine hears 你好); a
    /// join into a conversation with a history (a reload, a replay) gets nothing. Returns the greeting's id ("" for none).
    /// </summary>
    private async Task<string> GreetAsync(Activity join, ChannelIdentity identity, bool allowed, CancellationToken cancellationToken)
    {
        var conversationId = identity.Conversation;
        var history = await store.ReadAsync(conversationId, -1, time.GetUtcNow(), cancellationToken).ConfigureAwait(false);
        if (!allowed || history is { Activities.Count: > 0 }) return "";
        join.From = new ChannelAccount { Id = identity.User, Role = "user" };
        join.Conversation = new ConversationAccount { Id = conversationId };
        join.ChannelId = ChannelId;
        join.Text = "你好";
        join.Type = ActivityTypes.Message;
        var replies = await engine.HandleAsync(ActivityMapper.ToInbound(join, identity), cancellationToken).ConfigureAwait(false);
        var activities = ActivityMapper.ToActivities(replies, join, time.GetUtcNow()).ToList();
        if (activities.Count == 0) return "";
        var ids = await store.AppendAsync(conversationId, activities, time.GetUtcNow(), CancellationToken.None).ConfigureAwait(false);
        Signals.Pulse(conversationId);
        return ids[0];
    }

    /// <summary><c>GET /conversations/{id}/activities?watermark=W</c>.</summary>
    public async Task<ActivitySet> GetActivitiesAsync(string? bearer, string conversationId, string? watermark, CancellationToken cancellationToken)
    {
        Authorize(bearer, conversationId);
        var batch = await ReadAsync(conversationId, ParseWatermark(watermark), cancellationToken).ConfigureAwait(false);
        return new ActivitySet { Activities = batch.Activities, Watermark = batch.Watermark < 0 ? "" : batch.Watermark.ToString(CultureInfo.InvariantCulture) };
    }

    /// <summary>The activities after a watermark, for a conversation already authorised (the WebSocket stream).</summary>
    public async Task<DirectLineBatch> ReadAsync(string conversationId, long after, CancellationToken cancellationToken) =>
        // A valid token for a conversation nothing was posted to yet (or that was dropped while idle) has an empty stream.
        await store.ReadAsync(conversationId, after, time.GetUtcNow(), cancellationToken).ConfigureAwait(false) ?? new DirectLineBatch([], after);

    public static long ParseWatermark(string? watermark) =>
        long.TryParse(watermark, NumberStyles.None, CultureInfo.InvariantCulture, out var w) ? w : -1;

    /// <summary>Drops idle conversations (the host calls it on a timer; the store also sweeps when the cap is reached).</summary>
    public Task<int> SweepAsync(CancellationToken cancellationToken) => store.SweepAsync(time.GetUtcNow(), cancellationToken);

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
}
