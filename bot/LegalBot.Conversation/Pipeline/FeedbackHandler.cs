using LegalBot.Conversation.Routing;
using LegalBot.Conversation.State;

namespace LegalBot.Conversation.Pipeline;

/// <summary>有帮助 / 没帮助 buttons: recorded against the answer they belong to (only within the same conversation).</summary>
public sealed class FeedbackHandler(IConversationStore store) : ITurnHandler
{
    public const string Action = "feedback";

    public async ValueTask<bool> HandleAsync(TurnContext turn, CancellationToken cancellationToken)
    {
        if (turn.Message.Value is not { } value || !value.TryGetValue("action", out var action) || action != Action) return false;
        var helpful = value.TryGetValue("helpful", out var h) && bool.TryParse(h, out var b) && b;
        // An answer id from another conversation (guessed or replayed) records nothing.
        if (value.TryGetValue("answerId", out var answerId) && await store.GetAnswerAsync(answerId, cancellationToken).ConfigureAwait(false) is { } answer
            && answer.ConversationId == turn.Message.ConversationId)
        {
            await store.RecordFeedbackAsync(new FeedbackRecord(answerId, turn.Message.ConversationId, helpful, answer.Question, answer.Sources, turn.Now),
                cancellationToken).ConfigureAwait(false);
        }
        turn.Replies.Add(Replies.Simple(ReplyKind.Acknowledgement, Routes.Consult, helpful ? ConversationTexts.FeedbackThanks : ConversationTexts.FeedbackSorry));
        return true;
    }
}
