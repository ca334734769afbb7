using System.Text;
using System.Text.RegularExpressions;
using LegalBot.Conversation;
using LegalBot.Conversation.Intake;
using LegalBot.Conversation.State;

namespace LegalBot.Channels.WeChat;

/// <summary>
/// Plain text for WeChat and WeCom, which show no buttons and no Markdown: the lead, the quote, the sources,
/// notes and the office, then the options numbered exactly as <see cref="NumberedOptions"/> numbers them
/// ("回复 1：…"), so the citizen answers with the number. Messages are capped at <see cref="MaxMessageBytes"/>.
/// </summary>
public static partial class WeChatRenderer
{
    /// <summary>WeChat's limit for a text message (passive reply and customer-service message alike).</summary>
    public const int MaxMessageBytes = 2048;

    /// <summary>Customer-service quota after one user message is 5 messages; we use at most this many per answer.</summary>
    public const int MaxParts = 3;

    /// <summary>
    /// One message that fits: when too long, the quotes are shortened first (sources, office and options are
    /// always kept), then notes are dropped, and only as a last resort the text is cut.
    /// </summary>
    public static string RenderSingle(IReadOnlyList<OutboundReply> replies, string? header = null, int maxBytes = MaxMessageBytes)
    {
        var full = Render(replies, header, quoteBudget: null, withNotes: true);
        if (Bytes(full) <= maxBytes) return full;

        var withoutQuotes = Render(replies, header, quoteBudget: 0, withNotes: true);
        var withNotes = true;
        if (Bytes(withoutQuotes) > maxBytes)
        {
            withNotes = false;
            withoutQuotes = Render(replies, header, quoteBudget: 0, withNotes: false);
        }
        var quotes = replies.Count(r => r.Quote is { Length: > 0 });
        // Bytes left for quote text, shared between the quotes; CJK is 3 bytes a character in UTF-8.
        var budgetChars = quotes == 0 ? 0 : (maxBytes - Bytes(withoutQuotes) - 16 * quotes) / 3 / quotes;
        var text = budgetChars > 20 ? Render(replies, header, budgetChars, withNotes) : withoutQuotes;
        return Bytes(text) <= maxBytes ? text : Cut(text, maxBytes);
    }

    /// <summary>
    /// The whole text in up to <see cref="MaxParts"/> messages (for the customer-service API, which can send
    /// several in order); when even that is not enough, the single trimmed message.
    /// </summary>
    public static IReadOnlyList<string> RenderParts(IReadOnlyList<OutboundReply> replies, string? header = null, int maxBytes = MaxMessageBytes)
    {
        var full = Render(replies, header, quoteBudget: null, withNotes: true);
        if (Bytes(full) <= maxBytes) return [full];
        var parts = SplitLines(full, maxBytes - 16);
        if (parts.Count > MaxParts) return [RenderSingle(replies, header, maxBytes)];
        return parts.Select((p, i) => p + "\n" + WeChatTexts.Continued(i + 1, parts.Count)).ToList();
    }

    private static string Render(IReadOnlyList<OutboundReply> replies, string? header, int? quoteBudget, bool withNotes)
    {
        var blocks = new List<string>();
        if (header is { Length: > 0 }) blocks.Add(header);
        foreach (var reply in replies) blocks.Add(RenderReply(reply, quoteBudget, withNotes));
        var options = NumberedOptions.Numbered(replies);
        var links = replies.SelectMany(r => r.Actions).Where(a => a.Kind == ActionKind.Link).DistinctBy(a => a.Value).ToList();
        if (options.Count > 0 || links.Count > 0)
        {
            var sb = new StringBuilder();
            foreach (var link in links) sb.Append(LinkLine(link)).Append('\n');
            if (options.Count > 0)
            {
                sb.Append(WeChatTexts.OptionsHeader);
                for (var i = 0; i < options.Count; i++) sb.Append('\n').Append(WeChatTexts.Option(i + 1, options[i].Title));
            }
            blocks.Add(sb.ToString().TrimEnd('\n'));
        }
        return string.Join("\n\n", blocks.Where(b => b.Length > 0));
    }

    private static string RenderReply(OutboundReply reply, int? quoteBudget, bool withNotes)
    {
        var sb = new StringBuilder(PlainText(reply.Lead));
        if (reply.Quote is { Length: > 0 } quote && quoteBudget is not 0)
        {
            var plain = PlainText(quote);
            if (quoteBudget is { } budget && plain.Length > budget) plain = plain[..SafeCut(plain, budget)].TrimEnd() + WeChatTexts.Trimmed;
            sb.Append('\n').Append(plain);
        }
        if (reply.Citations.Count > 0)
        {
            sb.Append("\n——").Append(WeChatTexts.SourcesLabel);
            sb.Append(string.Join("；", reply.Citations.GroupBy(c => c.Title)
                .Select(g => "《" + g.Key + "》" + string.Join('、', g.Select(c => c.Location)))));
        }
        if (withNotes)
        {
            foreach (var note in reply.Notes) sb.Append('\n').Append(PlainText(note));
        }
        if (reply.Office is { } office)
        {
            sb.Append('\n').Append(IntakeTexts.OfficeCardTitle(office.Name, office.Demo))
              .Append('\n').Append(IntakeTexts.AddressLabel).Append('：').Append(office.Address)
              .Append('\n').Append(IntakeTexts.PhoneLabel).Append('：').Append(office.Phone)
              .Append('\n').Append(IntakeTexts.HoursLabel).Append('：').Append(office.Hours);
        }
        return sb.ToString();
    }

    private static string LinkLine(SuggestedAction link) =>
        link.Value.StartsWith("tel:", StringComparison.Ordinal) ? "☎ " + link.Title : link.Title + "：" + link.Value;

    /// <summary>Markdown emphasis and block-quote markers mean nothing in WeChat.</summary>
    internal static string PlainText(string markdown) => MarkdownMarks().Replace(markdown, "").Trim();

    [GeneratedRegex(@"\*\*|__|`|^> ?", RegexOptions.Multiline)]
    private static partial Regex MarkdownMarks();

    private static int Bytes(string s) => Encoding.UTF8.GetByteCount(s);

    /// <summary>A cut position that does not split a surrogate pair.</summary>
    private static int SafeCut(string s, int at) => at > 0 && at < s.Length && char.IsLowSurrogate(s[at]) ? at - 1 : at;

    private static string Cut(string text, int maxBytes)
    {
        var budget = maxBytes - Bytes(WeChatTexts.Trimmed);
        var n = 0;
        var i = 0;
        while (i < text.Length)
        {
            var len = char.IsHighSurrogate(text[i]) && i + 1 < text.Length ? 2 : 1;
            var b = Encoding.UTF8.GetByteCount(text.AsSpan(i, len));
            if (n + b > budget) break;
            n += b;
            i += len;
        }
        return text[..i] + WeChatTexts.Trimmed;
    }

    /// <summary>Packs lines into parts of at most <paramref name="maxBytes"/>; an over-long line is cut across parts.</summary>
    private static List<string> SplitLines(string text, int maxBytes)
    {
        var parts = new List<string>();
        var current = new StringBuilder();
        foreach (var rawLine in text.Split('\n'))
        {
            var line = rawLine;
            while (Bytes(line) > maxBytes)
            {
                Flush();
                var head = Cut(line, maxBytes)[..^WeChatTexts.Trimmed.Length];
                parts.Add(head);
                line = line[head.Length..];
            }
            if (current.Length > 0 && Bytes(current.ToString()) + 1 + Bytes(line) > maxBytes) Flush();
            if (current.Length > 0) current.Append('\n');
            current.Append(line);
        }
        Flush();
        return parts;

        void Flush()
        {
            var s = current.ToString().Trim('\n');
            if (s.Length > 0) parts.Add(s);
            current.Clear();
        }
    }
}
