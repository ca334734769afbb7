using System.Globalization;
using System.Runtime.CompilerServices;
using LegalBot.Cases.Ratings;
using LegalBot.Cases.Statistics;
using LegalBot.Conversation.Pipeline;
using LegalBot.Conversation.State;
using LegalBot.Knowledge.Text;

namespace LegalBot.Conversation.Ratings;

/// <summary>How long a rating request stays open and how often it is shown again.</summary>
/// <param name="Pending">A request not answered within this time lapses.</param>
/// <param name="Reshow">A shown request is shown again at a visit after this time.</param>
/// <param name="CommentWindow">After rating, the next message within this time is taken as the comment.</param>
public sealed record RatingOptions(TimeSpan Pending, TimeSpan Reshow, TimeSpan CommentWindow)
{
    public static RatingOptions Default { get; } = new(TimeSpan.FromDays(7), TimeSpan.FromDays(1), TimeSpan.FromHours(1));
}

/// <summary>
/// 好差评 in the conversation. As a turn handler (after the safety check): a level (button, digit 1-5 or the
/// level's words) answers the open request, then one message is the optional comment (跳过 skips). Anything else
/// is left to the rest of the pipeline, so a legal question is answered as usual. After the turn
/// (<see cref="ApplyAsync"/>), an open request not yet shown is put before the replies — never in an emergency or in
/// the middle of an intake dialog.
/// </summary>
public sealed class RatingHandler(IRatingStore store, RatingOptions options) : ITurnHandler
{
    public const string Route = "rating";
    private readonly ConditionalWeakTable<TurnContext, StrongBox<CaseRating?>> _looked = new();
    private const int MaxComment = 500;

    // Longest first, so 非常不满意 is not read as 不满意 or 满意.
    private static readonly (string Words, RatingLevel Level)[] Words =
    [
        ("非常不满意", RatingLevel.VeryDissatisfied), ("非常满意", RatingLevel.VerySatisfied), ("基本满意", RatingLevel.BasicallySatisfied),
        ("不满意", RatingLevel.Dissatisfied), ("满意", RatingLevel.Satisfied),
    ];

    public async ValueTask<bool> HandleAsync(TurnContext turn, CancellationToken cancellationToken)
    {
        if (turn.Crisis.IsEmergency) return false;
        var pending = await PendingAsync(turn, cancellationToken).ConfigureAwait(false);
        if (pending is null) return false;
        if (pending.CommentState == CommentState.Awaiting)
        {
            if (pending.RatedAt + options.CommentWindow < turn.Now)
            {
                await store.CommentAsync(pending.Reference, null, cancellationToken).ConfigureAwait(false);
                return false;
            }
            // A second level (a double tap, or 5 typed after the button) is not a comment and changes nothing.
            if (Level(turn.Text, exact: true) is not null) return Reply(turn, RatingTexts.AlreadyRated);
            if (turn.Text.Length == 0) return false;
            var skipped = TextNormalizer.FoldWidth(turn.Text).Trim().TrimEnd('。', '.', '!', '！') is RatingTexts.Skip or "不用" or "没有" or "无";
            var comment = skipped ? null : turn.Text.Length > MaxComment ? turn.Text[..MaxComment] : turn.Text;
            await store.CommentAsync(pending.Reference, comment, cancellationToken).ConfigureAwait(false);
            return Reply(turn, skipped ? RatingTexts.ThanksNoComment : RatingTexts.ThanksWithComment);
        }
        // A level counts only once the request was shown: "满意" typed out of the blue is not a rating.
        if (pending.ShownAt is null || Level(turn.Text) is not { } chosen) return false;
        if (!await store.RateAsync(pending.Reference, chosen, turn.Now, cancellationToken).ConfigureAwait(false)) return Reply(turn, RatingTexts.AlreadyRated);
        var lead = RatingTexts.AskComment(chosen);
        if (chosen is RatingLevel.Dissatisfied or RatingLevel.VeryDissatisfied) lead = RatingTexts.FollowUpPromise + lead;
        return Reply(turn, lead, [new SuggestedAction(RatingTexts.Skip, RatingTexts.Skip)]);
    }

    /// <summary>After the turn: shows the conversation's open request, unless it was shown lately or would interrupt.</summary>
    public async Task ApplyAsync(TurnContext turn, CancellationToken cancellationToken)
    {
        if (turn.Crisis.IsEmergency || turn.State.Dialog is not null || turn.Replies.Exists(r => r.Route == Route)) return;
        var pending = await PendingAsync(turn, cancellationToken).ConfigureAwait(false);
        if (pending is not { Level: null } || pending.ShownAt + options.Reshow > turn.Now) return;
        // First, so its buttons are numbered 1-5 on text channels whatever else the turn offers (emergencies never get here).
        turn.Replies.Insert(0, Request(pending.Reference));
        await store.MarkShownAsync(pending.Reference, turn.Now, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The look-up the engine makes with the turn's state read (one round trip on the shared PostgreSQL store).</summary>
    public RatingLookup Lookup(DateTimeOffset now) => new(store, now - options.Pending);

    /// <summary>The open request as the turn began (the result of <see cref="Lookup"/>), read by both steps of the turn.</summary>
    public void Begin(TurnContext turn, CaseRating? pending) => _looked.AddOrUpdate(turn, new StrongBox<CaseRating?>(pending));

    /// <summary>The open request as the turn began, looked up once per turn (every message passes here twice).</summary>
    private async Task<CaseRating?> PendingAsync(TurnContext turn, CancellationToken cancellationToken)
    {
        // A turn that rates or comments replies on the rating route, and then ApplyAsync shows nothing: the memo cannot be stale where it is read.
        if (_looked.TryGetValue(turn, out var looked)) return looked.Value;
        var pending = await store.PendingAsync(turn.Message.ConversationId, Lookup(turn.Now).Since, cancellationToken).ConfigureAwait(false);
        Begin(turn, pending);
        return pending;
    }

    /// <summary>The request: the five levels as buttons (numbered 1-5 on text channels), best first.</summary>
    public static OutboundReply Request(string reference) =>
        new(ReplyKind.Acknowledgement, Route, RatingTexts.Request(reference), null, [], [RatingTexts.RequestNote],
            Enum.GetValues<RatingLevel>().Select(l => new SuggestedAction(RatingTexts.Name(l), RatingTexts.Name(l))).ToList(), [], 1.0, null);

    /// <summary>The level a message gives: a digit 1-5 alone, or one level's words (e.g. 我觉得不满意; only the words when exact); null otherwise.</summary>
    public static RatingLevel? Level(string text, bool exact = false)
    {
        var s = TextNormalizer.FoldWidth(text).Trim().TrimEnd('。', '.', '!', '！');
        if (s.Length == 1 && int.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n is >= 1 and <= 5) return (RatingLevel)n;
        // A short reply only: a long message that happens to contain 满意 is a question or a comment.
        if (s.Length > 12) return null;
        foreach (var (words, level) in Words)
            if (exact ? s == words : s.Contains(words, StringComparison.Ordinal)) return level;
        return null;
    }

    private static bool Reply(TurnContext turn, string lead, IReadOnlyList<SuggestedAction>? actions = null)
    {
        turn.Replies.Add(Replies.Simple(ReplyKind.Acknowledgement, Route, lead, actions));
        return true;
    }
}
