using System.Globalization;
using LegalBot.Knowledge.Text;

namespace LegalBot.Conversation.State;

/// <summary>An option a reply offered: what choosing it sends (text and, for feedback, a payload).</summary>
public sealed record OfferedOption(string Title, string Value, IReadOnlyDictionary<string, string>? Payload);

/// <summary>
/// Text-only channels (WeChat) show buttons as "回复 1 …". The numbering is defined once here: the engine
/// remembers the options in this order and takes a bare number as choosing one, on every channel.
/// </summary>
public static class NumberedOptions
{
    /// <summary>Options answerable by number, in display order: each reply's actions (links excluded), then its feedback.</summary>
    public static IReadOnlyList<SuggestedAction> Numbered(IReadOnlyList<OutboundReply> replies)
    {
        var options = new List<SuggestedAction>();
        foreach (var action in replies.SelectMany(r => r.Actions.Concat(r.Feedback)))
        {
            if (action.Kind != ActionKind.Link && options.TrueForAll(o => o.Title != action.Title)) options.Add(action);
        }
        return options;
    }

    public static IReadOnlyList<OfferedOption>? Offered(IReadOnlyList<OutboundReply> replies)
    {
        var numbered = Numbered(replies);
        return numbered.Count == 0 ? null : numbered.Select(a => new OfferedOption(a.Title, a.Value, a.Payload)).ToList();
    }

    /// <summary>A message that is only the number of an offered option becomes that option (its text and payload).</summary>
    public static InboundMessage Resolve(InboundMessage message, IReadOnlyList<OfferedOption>? offered)
    {
        if (offered is not { Count: > 0 } || message.Value is not null || message.Text is null) return message;
        // Width folding only: Normalize would turn "2" into "二".
        var text = TextNormalizer.FoldWidth(message.Text).Trim().TrimEnd('.', '。');
        if (text.Length is 0 or > 2 || !int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var n) || n < 1 || n > offered.Count)
            return message;
        var chosen = offered[n - 1];
        return message with { Text = chosen.Value, Value = chosen.Payload };
    }
}
