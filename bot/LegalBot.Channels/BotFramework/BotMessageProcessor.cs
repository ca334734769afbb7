using System.Text.Json;
using LegalBot.Conversation;

namespace LegalBot.Channels.BotFramework;

/// <summary>The outcome of one inbound activity: the HTTP status and, for expectReplies, the body.</summary>
public sealed record ProcessResult(int StatusCode, object? Body, IReadOnlyList<Activity> Replies, bool DeliverToConnector);

/// <summary>
/// The protocol logic of <c>POST /api/messages</c>, free of ASP.NET: parse and validate the activity, run
/// messages through the engine, and either return the replies in the body (<c>deliveryMode: expectReplies</c>)
/// or hand them to the connector (<see cref="ConnectorClient"/>). Bad input gives a 400 with a reason.
/// </summary>
public sealed class BotMessageProcessor(ConversationEngine engine, TimeProvider time)
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

    public async Task<ProcessResult> ProcessAsync(Activity activity, CancellationToken cancellationToken)
    {
        var expectReplies = string.Equals(activity.DeliveryMode, DeliveryModes.ExpectReplies, StringComparison.OrdinalIgnoreCase);
        IReadOnlyList<OutboundReply> replies = activity.Type switch
        {
            ActivityTypes.Message => await engine.HandleAsync(ActivityMapper.ToInbound(activity), cancellationToken).ConfigureAwait(false),
            // A user joining: greet once, as channels expect (the bot's own join is ignored).
            ActivityTypes.ConversationUpdate when activity.MembersAdded?.Any(m => m.Id != activity.Recipient?.Id) == true =>
                await engine.HandleAsync(ActivityMapper.ToInbound(activity) with { Text = "你好" }, cancellationToken).ConfigureAwait(false),
            // typing, event, endOfConversation, unknown types: acknowledged, nothing to say.
            _ => [],
        };
        var activities = ActivityMapper.ToActivities(replies, activity, time.GetUtcNow());
        if (expectReplies) return new ProcessResult(200, new ExpectedReplies { Activities = activities }, activities, false);
        return new ProcessResult(activities.Count > 0 ? 200 : 202, null, activities, activities.Count > 0);
    }
}
