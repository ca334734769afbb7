using LegalBot.Conversation.Routing;

namespace LegalBot.Conversation.Pipeline;

/// <summary>A message with nothing to read (a sticker, only punctuation): ask for words, offer the topics.</summary>
public sealed class EmptyMessageHandler : ITurnHandler
{
    public ValueTask<bool> HandleAsync(TurnContext turn, CancellationToken cancellationToken)
    {
        if (turn.Normalized.Length > 0) return ValueTask.FromResult(false);
        turn.Replies.Add(Replies.Simple(ReplyKind.Acknowledgement, Routes.OutOfScope, ConversationTexts.EmptyMessage, Replies.Topics(turn.Knowledge.Site)));
        return ValueTask.FromResult(true);
    }
}
