namespace LegalBot.Channels.DirectLine;

/// <summary>
/// What one anonymous web chat may cost the server. Tokens are self-contained, so minting one stores nothing; a
/// conversation is kept only once something is posted, evicted when idle, and its stream is capped.
/// </summary>
/// <param name="MaxConversations">Conversations kept at once; past it the least recently used idle ones go first.</param>
/// <param name="IdleTimeout">A conversation nobody posted to or polled for this long is dropped.</param>
/// <param name="MaxActivitiesPerConversation">Stream length kept per conversation (oldest dropped).</param>
/// <param name="MaxBytesPerConversation">Stream size kept per conversation, as serialised JSON (oldest dropped).</param>
/// <param name="MaxUserActivityBytes">A posted message larger than this is refused (413).</param>
/// <param name="MaxOtherActivityBytes">A posted non-message activity (typing, event) larger than this is refused (413).</param>
public sealed record DirectLineLimits(
    int MaxConversations = 20_000,
    TimeSpan? IdleTimeout = null,
    int MaxActivitiesPerConversation = 200,
    int MaxBytesPerConversation = 1024 * 1024,
    int MaxUserActivityBytes = 16 * 1024,
    int MaxOtherActivityBytes = 4 * 1024)
{
    public static DirectLineLimits Default { get; } = new();

    public TimeSpan Idle => IdleTimeout ?? TimeSpan.FromHours(2);
}
