using System.Globalization;
using System.Text;
using System.Text.Json;
using LegalBot.Conversation;
using LegalBot.Conversation.Intake;

namespace LegalBot.Channels.BotFramework;

/// <summary>Maps Bot Framework activities to the engine's channel-neutral messages and its replies back to activities.</summary>
public static class ActivityMapper
{
    public const string DefaultLocale = "zh-CN";

    /// <summary>Problems that make an activity unusable, as one message, or null when it is fine.</summary>
    public static string? Validate(Activity activity)
    {
        if (string.IsNullOrWhiteSpace(activity.Type)) return "activity.type is required";
        if (string.IsNullOrWhiteSpace(activity.Conversation?.Id)) return "activity.conversation.id is required";
        if (activity.Type == ActivityTypes.Message && string.IsNullOrWhiteSpace(activity.From?.Id)) return "activity.from.id is required";
        return null;
    }

    /// <param name="identity">Who sent it, as the caller authenticated it; the engine keys state by it, never by the payload's ids alone.</param>
    public static InboundMessage ToInbound(Activity activity, ChannelIdentity identity) => new(
        identity.ConversationKey,
        identity.UserKey,
        identity.Channel,
        activity.Text,
        FlattenValue(activity.Value),
        DateTimeOffset.TryParse(activity.Timestamp, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out var t) ? t : null);

    /// <summary>Builds the reply activities to <paramref name="incoming"/>, stamped as from the bot.</summary>
    public static List<Activity> ToActivities(IEnumerable<OutboundReply> replies, Activity incoming, DateTimeOffset now)
    {
        var list = new List<Activity>();
        foreach (var reply in replies)
        {
            var activity = new Activity
            {
                Type = ActivityTypes.Message,
                Timestamp = now.ToUniversalTime().ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture),
                ChannelId = incoming.ChannelId,
                ServiceUrl = incoming.ServiceUrl,
                From = new ChannelAccount { Id = incoming.Recipient?.Id ?? "legalbot", Name = incoming.Recipient?.Name ?? "LegalBot", Role = "bot" },
                Recipient = new ChannelAccount { Id = incoming.From?.Id, Name = incoming.From?.Name, Role = "user" },
                Conversation = new ConversationAccount { Id = incoming.Conversation?.Id },
                ReplyToId = incoming.Id,
                Locale = incoming.Locale ?? DefaultLocale,
                TextFormat = "markdown",
                Text = RenderMarkdown(reply),
                InputHint = "acceptingInput",
            };
            var actions = reply.Actions.Select(ToCardAction).ToList();
            // No "to": conversations are one-to-one, and Web Chat hides actions addressed to an id it does not
            // recognise (its own user id is generated client-side, ours comes from the token).
            if (actions.Count > 0) activity.SuggestedActions = new SuggestedActions { Actions = actions };
            if (reply.Feedback.Count > 0)
            {
                // Feedback buttons live on a card so they stay clickable after the suggested actions disappear.
                activity.Attachments =
                [
                    new Attachment
                    {
                        ContentType = HeroCard.ContentType,
                        Content = new HeroCard { Text = "这个回答对您有帮助吗？", Buttons = reply.Feedback.Select(ToCardAction).ToList() },
                    },
                ];
            }
            activity.ChannelData = JsonSerializer.SerializeToElement(new Dictionary<string, object?>
            {
                ["legalbot"] = new Dictionary<string, object?>
                {
                    ["route"] = reply.Route,
                    ["kind"] = reply.Kind.ToString(),
                    ["confidence"] = Math.Round(reply.Confidence, 3),
                    ["answerId"] = reply.AnswerId,
                    ["office"] = reply.Office,
                    ["citations"] = reply.Citations.Select(c => new { title = c.Title, location = c.Location, link = c.Link, id = c.ChunkId }).ToList(),
                },
            });
            list.Add(activity);
        }
        return list;
    }

    /// <summary>Markdown for Web Chat: lead, the quote as a block quote, sources (linked when known), notes.</summary>
    public static string RenderMarkdown(OutboundReply reply)
    {
        var sb = new StringBuilder();
        // Lines of a dialog prompt stay lines (Markdown would join them).
        sb.Append(reply.Lead.Replace("\n", "  \n", StringComparison.Ordinal));
        if (reply.Quote is { Length: > 0 } quote)
        {
            sb.Append("\n\n");
            foreach (var line in quote.Split('\n')) sb.Append("> ").Append(line).Append("\n>\n");
            sb.Length -= 3;
        }
        if (reply.Citations.Count > 0)
        {
            // One 《title》 per document, its articles or sections after it: 《民法典》第一条、第二条.
            sb.Append("\n\n**出处：**");
            var first = true;
            foreach (var group in reply.Citations.GroupBy(c => c.Title))
            {
                sb.Append(first ? "" : "；").Append('《').Append(group.Key).Append('》');
                sb.Append(string.Join('、', group.Select(c => c.Link is { Length: > 0 } link ? $"[{c.Location}]({link})" : c.Location)));
                first = false;
            }
        }
        foreach (var note in reply.Notes) sb.Append("\n\n").Append(note.Replace("\n", "  \n", StringComparison.Ordinal));
        if (reply.Office is { } office)
        {
            var dial = new string(office.Phone.Where(c => char.IsAsciiDigit(c) || c == '-').ToArray());
            sb.Append("\n\n**").Append(IntakeTexts.OfficeCardTitle(office.Name, office.Demo)).Append("**  \n")
              .Append(IntakeTexts.AddressLabel).Append('：').Append(office.Address).Append("  \n")
              .Append(IntakeTexts.PhoneLabel).Append('：').Append($"[{office.Phone}](tel:{dial})").Append("  \n")
              .Append(IntakeTexts.HoursLabel).Append('：').Append(office.Hours);
        }
        return sb.ToString();
    }

    private static CardAction ToCardAction(SuggestedAction a) => a.Kind switch
    {
        ActionKind.Payload => new CardAction { Type = CardActionTypes.MessageBack, Title = a.Title, DisplayText = a.Title, Value = a.Payload },
        ActionKind.Link when a.Value.StartsWith("tel:", StringComparison.Ordinal) => new CardAction { Type = CardActionTypes.Call, Title = a.Title, Value = a.Value },
        ActionKind.Link => new CardAction { Type = CardActionTypes.OpenUrl, Title = a.Title, Value = a.Value },
        _ => new CardAction { Type = CardActionTypes.ImBack, Title = a.Title, Value = a.Value },
    };

    /// <summary>A button payload as string pairs; nested values are kept as their JSON text.</summary>
    private static Dictionary<string, string>? FlattenValue(JsonElement? value)
    {
        if (value is not { ValueKind: JsonValueKind.Object } obj) return null;
        var dict = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var p in obj.EnumerateObject())
        {
            dict[p.Name] = p.Value.ValueKind switch
            {
                JsonValueKind.String => p.Value.GetString() ?? "",
                JsonValueKind.True => "true",
                JsonValueKind.False => "false",
                _ => p.Value.GetRawText(),
            };
        }
        return dict;
    }
}
