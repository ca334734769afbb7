using LegalBot.Channels.BotFramework;

namespace LegalBot.Channels.DirectLine;

/// <summary>What a reader of a conversation's stream gets: the activities after its watermark and the new watermark.</summary>
/// <param name="Watermark">The sequence number of the conversation's last activity (−1 before the first).</param>
public sealed record DirectLineBatch(IReadOnlyList<Activity> Activities, long Watermark);

/// <summary>
/// Where web chat conversations and their activity streams live. Sequence numbers (the watermark, and the
/// <c>conversation|0000007</c> activity ids) only ever increase for a conversation, across restarts too, so a client that
/// kept its token and watermark continues where it was. Each stream is capped by <see cref="DirectLineLimits"/>.
/// </summary>
public interface IDirectLineStore
{
    /// <summary>Appends in order, stamping each activity's id and <c>webchat:sequence-id</c>; returns the ids given.</summary>
    Task<IReadOnlyList<string>> AppendAsync(string conversationId, IReadOnlyList<Activity> activities, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>The activities after <paramref name="watermark"/>; null for a conversation the store does not hold (never used, or dropped while idle).</summary>
    Task<DirectLineBatch?> ReadAsync(string conversationId, long watermark, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>Drops conversations idle past the limit, then, at the cap, the least recently used down to 90 % of it. Returns how many went.</summary>
    Task<int> SweepAsync(DateTimeOffset now, CancellationToken cancellationToken);

    Task<int> CountAsync(CancellationToken cancellationToken);
}
