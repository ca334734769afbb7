using LegalBot.Conversation.Routing;

namespace LegalBot.Conversation.Pipeline;

/// <summary>你好 / 谢谢: the greeting with topic buttons, or 不客气.</summary>
public sealed class GreetingHandler : ITurnHandler
{
    public ValueTask<bool> HandleAsync(TurnContext turn, CancellationToken cancellationToken)
    {
        if (turn.Crisis.IsEmergency || turn.TextRoute?.Route != Routes.Greeting) return ValueTask.FromResult(false);
        var text = turn.TextRoute.Reason == RouteClassifier.ThanksReason ? ConversationTexts.Thanks : ConversationTexts.Greeting;
        turn.Replies.Add(Replies.Simple(ReplyKind.Greeting, Routes.Greeting, text, Replies.Topics()));
        return ValueTask.FromResult(true);
    }
}
