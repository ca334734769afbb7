using LegalBot.Cases.Activity;
using LegalBot.Conversation.Publicity;

namespace LegalBot.Conversation.State;

/// <summary>
/// The records one turn writes (answer log, unanswered log; and, where the conversation store keeps them with the turn,
/// its consultation record and 普法 matter count), gathered while the handlers run and written with the turn's state in
/// <see cref="IConversationStore.SaveTurnAsync"/>: the shared PostgreSQL store sends them all in one round trip and one
/// commit instead of one each. Nothing is acknowledged early: the engine returns its replies only after that write has completed.
/// </summary>
public sealed class TurnWrites
{
    private readonly List<AnswerRecord> _answers = [];
    private readonly List<UnansweredQuestion> _unanswered = [];
    private readonly List<MatterAsked> _matters = [];

    public IReadOnlyList<AnswerRecord> Answers => _answers;

    public IReadOnlyList<UnansweredQuestion> Unanswered => _unanswered;

    /// <summary>Set only when the store keeps turn records (<see cref="IConversationStore.KeepsTurnRecords"/>).</summary>
    public Consultation? Consultation { get; set; }

    /// <summary>Added only when the store keeps turn records (<see cref="IConversationStore.KeepsTurnRecords"/>).</summary>
    public IReadOnlyList<MatterAsked> MattersAsked => _matters;

    public void Add(AnswerRecord answer) => _answers.Add(answer);

    public void Add(UnansweredQuestion question) => _unanswered.Add(question);

    public void Add(MatterAsked asked) => _matters.Add(asked);
}
