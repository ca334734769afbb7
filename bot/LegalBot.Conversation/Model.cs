namespace LegalBot.Conversation;

/// <summary>A citizen's message, channel-neutral. <see cref="Value"/> carries button payloads (feedback, actions).</summary>
public sealed record InboundMessage(
    string ConversationId,
    string UserId,
    string Channel,
    string? Text,
    IReadOnlyDictionary<string, string>? Value = null,
    DateTimeOffset? Timestamp = null);

public enum ReplyKind
{
    Answer,
    NotSure,
    Emergency,
    Greeting,
    Reset,
    Acknowledgement,
    /// <summary>A question of an intake or progress-query dialog.</summary>
    Intake,
    /// <summary>A case was filed: the reference number and the office.</summary>
    CaseFiled,
    /// <summary>A case's progress, after the citizen proved it is theirs.</summary>
    CaseStatus,
    /// <summary>A short question back: which of these matters is meant.</summary>
    Clarify,
    /// <summary>A 普法 lesson (今日普法, the weekly lesson).</summary>
    Lesson,
    /// <summary>A quiz question, the feedback on an answer, or the score.</summary>
    Quiz,
}

/// <summary>Where to go: an office's name, address, phone and hours.</summary>
/// <param name="Demo">Demo data: channels say so next to the name.</param>
public sealed record OfficeCard(string Name, string Address, string Phone, string Hours, bool Demo);

/// <summary>Where a quoted passage comes from: 《title》 + article label or section path, with a link when known.</summary>
public sealed record Citation(string Title, string Location, string? Link, string ChunkId)
{
    /// <summary>The citation of a retrieved chunk: its statute article label, or its guide section path.</summary>
    public static Citation Of(LegalBot.Knowledge.Index.ChunkHit hit) => new(
        hit.Document.Title,
        // A matter's one section is headed by its title: 《title》 alone, not 《title》title.
        hit.Chunk.ArticleLabel ?? string.Join(" › ", hit.Chunk.HeadingPath.SkipWhile(h => h == hit.Document.Title)),
        hit.Document.Source,
        hit.Chunk.Id);

    /// <summary>As Chinese text cites it: 《title》第X条.</summary>
    public string Inline => "《" + Title + "》" + Location;
}

public enum ActionKind
{
    /// <summary>Sends <see cref="SuggestedAction.Value"/> back as the user's message (imBack).</summary>
    Message,
    /// <summary>Sends a hidden payload (messageBack): feedback and similar.</summary>
    Payload,
    /// <summary>Opens a URL or dials (tel:).</summary>
    Link,
}

public sealed record SuggestedAction(string Title, string Value, ActionKind Kind = ActionKind.Message,
    IReadOnlyDictionary<string, string>? Payload = null);

/// <summary>
/// One reply, structured so each channel renders it its own way (Markdown for Web Chat, plain text for WeChat).
/// </summary>
/// <param name="Lead">The short opening sentence.</param>
/// <param name="Quote">The quoted article or guide section (trimmed to what matters), if any.</param>
/// <param name="Notes">Further lines: hotline hints, what to do next.</param>
/// <param name="Actions">Suggested follow-ups and service offers (buttons).</param>
/// <param name="Feedback">有帮助/没帮助 buttons (payload actions) for answers.</param>
/// <param name="Office">The office to go to or call, when the reply names one.</param>
public sealed record OutboundReply(
    ReplyKind Kind,
    string Route,
    string Lead,
    string? Quote,
    IReadOnlyList<Citation> Citations,
    IReadOnlyList<string> Notes,
    IReadOnlyList<SuggestedAction> Actions,
    IReadOnlyList<SuggestedAction> Feedback,
    double Confidence,
    string? AnswerId,
    OfficeCard? Office = null);
