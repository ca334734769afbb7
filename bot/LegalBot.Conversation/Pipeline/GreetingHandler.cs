using LegalBot.Conversation.Routing;

namespace LegalBot.Conversation.Pipeline;

/// <summary>你好 / 谢谢 (and a citizen joining a channel): the county's greeting with its topic buttons (site.md), or 不客气.</summary>
public sealed class GreetingHandler : ITurnHandler
{
    public ValueTask<bool> HandleAsync(TurnContext turn, CancellationToken cancellationToken)
    {
        if (turn.Crisis.IsEmergency || turn.TextRoute?.Route != Routes.Greeting) return ValueTask.FromResult(false);
        var text = turn.TextRoute.Reason == RouteClassifier.ThanksReason ? ConversationTexts.Thanks : turn.Knowledge.Site.Greeting;
        turn.Replies.Add(Replies.Simple(ReplyKind.Greeting, Routes.Greeting, text, Replies.Topics(turn.Knowledge.Site)));
        return ValueTask.FromResult(true);
    }
}
