using LegalBot.Conversation.Routing;
using LegalBot.Conversation.State;

namespace LegalBot.Conversation.Pipeline;

/// <summary>重新开始 / 返回主菜单: forget the topic and any dialog, keep the turn count.</summary>
public sealed class ResetHandler : ITurnHandler
{
    public ValueTask<bool> HandleAsync(TurnContext turn, CancellationToken cancellationToken)
    {
        if (!RouteClassifier.IsReset(turn.Normalized)) return ValueTask.FromResult(false);
        // The subscription and what was read stay: 重新开始 is about the topic, not about consent.
        turn.State = ConversationState.New(turn.Message.ConversationId, turn.Now) with
            { Turns = turn.State.Turns, Publicity = turn.State.Publicity is { } p ? p with { Quiz = null, Signup = null } : null };
        turn.Replies.Add(Replies.Simple(ReplyKind.Reset, Routes.Greeting, ConversationTexts.Reset, Replies.Topics(turn.Knowledge.Site)));
        return ValueTask.FromResult(true);
    }
}
