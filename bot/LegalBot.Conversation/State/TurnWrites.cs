namespace LegalBot.Conversation.State;

/// <summary>
/// The staff log entries one turn writes (answer log, unanswered log), gathered while the handlers run and written with
/// the turn's state in <see cref="IConversationStore.SaveTurnAsync"/>: the shared PostgreSQL store sends them all in
/// one round trip and one commit instead of one each. Nothing is acknowledged early: the engine returns its replies only
/// after that write has completed.
/// </summary>
public sealed class TurnWrites
{
    private readonly List<AnswerRecord> _answers = [];
    private readonly List<UnansweredQuestion> _unanswered = [];

    public IReadOnlyList<AnswerRecord> Answers => _answers;

    public IReadOnlyList<UnansweredQuestion> Unanswered => _unanswered;

    public void Add(AnswerRecord answer) => _answers.Add(answer);

    public void Add(UnansweredQuestion question) => _unanswered.Add(question);
}
