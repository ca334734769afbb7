using System.Text.Json;
using LegalBot.Conversation;

namespace LegalBot.Channels.BotFramework;

/// <summary>The outcome of one inbound activity: the HTTP status and, for expectReplies or invoke, the body.</summary>
public sealed record ProcessResult(int StatusCode, object? Body, IReadOnlyList<Activity> Replies, bool DeliverToConnector);

/// <summary>The body of an <c>invoke</c> activity's answer, as the Bot Framework protocol defines it.</summary>
public sealed record InvokeResponse(int Status, object? Body);

/// <summary>
/// The protocol logic of <c>POST /api/messages</c>, free of ASP.NET: parse and validate the activity, run
/// messages through the engine, and either return the replies in the body (<c>deliveryMode: expectReplies</c>)
/// or hand them to the connector (<see cref="ConnectorClient"/>). Bad input gives a 400 with a reason.
/// The caller has authenticated the activity and passes the <see cref="ChannelIdentity"/> it established.
/// </summary>
/// <param name="rateGate">Per channel user (from the authenticated identity).</param>
public sealed class BotMessageProcessor(IConversationHandler engine, IMessageRateGate rateGate, TimeProvider time)
{
    public const int MaxBodyBytes = 256 * 1024;

    public static (Activity? Activity, string? Error) Parse(ReadOnlySpan<byte> body)
    {
        if (body.Length == 0) return (null, "empty body: expected an Activity as JSON");
        if (body.Length > MaxBodyBytes) return (null, $"body larger than {MaxBodyBytes} bytes");
        try
        {
            var activity = JsonSerializer.Deserialize<Activity>(body, ActivityJson.Options);
            if (activity is null) return (null, "expected an Activity JSON object");
            return ActivityMapper.Validate(activity) is { } problem ? (null, problem) : (activity, null);
        }
        catch (JsonException ex)
        {
            return (null, "malformed JSON: " + ex.Message.Split('.')[0]);
        }
    }

    public async Task<ProcessResult> ProcessAsync(Activity activity, ChannelIdentity identity, CancellationToken cancellationToken)
    {
        var expectReplies = string.Equals(activity.DeliveryMode, DeliveryModes.ExpectReplies, StringComparison.OrdinalIgnoreCase);
        if (activity.Type == ActivityTypes.Invoke)
        {
            // No invoke is implemented (no cards that invoke), but the channel waits for an InvokeResponse: answer it.
            var invoke = new InvokeResponse(200, null);
            return expectReplies
                ? new ProcessResult(200, new ExpectedReplies { Activities = [InvokeResponseActivity(activity, invoke)] }, [], false)
                : new ProcessResult(invoke.Status, new { }, [], false);
        }
        var worthAnswering = activity.Type == ActivityTypes.Message
            || activity.Type == ActivityTypes.ConversationUpdate && activity.MembersAdded?.Any(m => m.Id != activity.Recipient?.Id) == true;
        IReadOnlyList<OutboundReply> replies = [];
        if (worthAnswering)
        {
            var inbound = ActivityMapper.ToInbound(activity, identity);
            replies = !rateGate.TryEnter(identity.UserKey)
                ? [new OutboundReply(ReplyKind.Acknowledgement, "consult", ConversationTexts.RateLimited, null, [], [], [], [], 1, null)]
                : activity.Type == ActivityTypes.Message
                    ? await engine.HandleAsync(inbound, cancellationToken).ConfigureAwait(false)
                    // A user joining: greet once, as channels expect (the bot's own join is ignored).
                    : await engine.HandleAsync(inbound with { Text = "你好" }, cancellationToken).ConfigureAwait(false);
        }
        // typing, event, endOfConversation, unknown types: acknowledged, nothing to say.
        var activities = ActivityMapper.ToActivities(replies, activity, time.GetUtcNow());
        if (expectReplies) return new ProcessResult(200, new ExpectedReplies { Activities = activities }, activities, false);
        return new ProcessResult(activities.Count > 0 ? 200 : 202, null, activities, activities.Count > 0);
    }

    private Activity InvokeResponseActivity(Activity incoming, InvokeResponse response) => new()
    {
        Type = ActivityTypes.InvokeResponse,
        Timestamp = time.GetUtcNow().ToUniversalTime().ToString("yyyy-MM-ddTHH:mm:ss.fffZ", System.Globalization.CultureInfo.InvariantCulture),
        ChannelId = incoming.ChannelId,
        Conversation = new ConversationAccount { Id = incoming.Conversation?.Id },
        ReplyToId = incoming.Id,
        Value = JsonSerializer.SerializeToElement(new { status = response.Status, body = response.Body }),
    };
}
