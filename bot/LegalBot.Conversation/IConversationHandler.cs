namespace LegalBot.Conversation;

/// <summary>Turns one citizen message into replies. Channels depend on this, so their tests can stand in a slow or failing engine.</summary>
public interface IConversationHandler
{
    Task<IReadOnlyList<OutboundReply>> HandleAsync(InboundMessage message, CancellationToken cancellationToken);
}
