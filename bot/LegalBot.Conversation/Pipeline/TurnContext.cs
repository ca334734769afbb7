using LegalBot.Conversation.Routing;
using LegalBot.Conversation.State;
using LegalBot.Knowledge;
using LegalBot.Knowledge.Safety;

namespace LegalBot.Conversation.Pipeline;

/// <summary>
/// One message on its way through the turn handlers: the message as the engine read it, the conversation's state,
/// the knowledge as of this turn, and the replies so far. Handlers read and add to it; the engine saves the state.
/// </summary>
public sealed class TurnContext
{
    public required InboundMessage Message { get; init; }

    /// <summary>The message text, trimmed and cut to the size limit.</summary>
    public required string Text { get; init; }

    /// <summary><see cref="Text"/> normalised as the index normalises text.</summary>
    public required string Normalized { get; init; }

    /// <summary>The message was longer than the limit and was cut.</summary>
    public required bool Truncated { get; init; }

    public required DateTimeOffset Now { get; init; }

    /// <summary>The knowledge folder as of this turn (one snapshot for the whole turn).</summary>
    public required KnowledgeView Knowledge { get; init; }

    public required ConversationState State { get; set; }

    /// <summary>The route the text alone decides (greeting, a named service), if any.</summary>
    public RouteDecision? TextRoute { get; set; }

    /// <summary>What the crisis check found (set by the safety handler, before everything else that answers).</summary>
    public CrisisAssessment Crisis { get; set; } = CrisisAssessment.None;

    /// <summary>A dialog is waiting: after the answer, offer to resume it.</summary>
    public bool OfferResume { get; set; }

    /// <summary>A quiz is paused by this message: after the answer, offer to continue it.</summary>
    public bool OfferQuizResume { get; set; }

    /// <summary>The document this turn's answer came from (set by the answering handlers), for after-turn records.</summary>
    public Knowledge.Documents.DocumentInfo? AnsweredFrom { get; set; }

    public List<OutboundReply> Replies { get; } = [];

    /// <summary>The log entries this turn writes; the engine saves them with the state, before it returns the replies.</summary>
    public TurnWrites Writes { get; } = new();
}

/// <summary>One behaviour of the engine. Handlers are tried in order; the first that completes the turn ends it.</summary>
public interface ITurnHandler
{
    /// <returns>True when the turn is complete and no later handler should run.</returns>
    ValueTask<bool> HandleAsync(TurnContext turn, CancellationToken cancellationToken);
}
