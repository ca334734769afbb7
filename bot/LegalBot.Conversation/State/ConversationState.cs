using LegalBot.Conversation.Intake;

namespace LegalBot.Conversation.State;

/// <summary>What the engine remembers between turns of one conversation.</summary>
/// <param name="LastQuestion">The last question that got an answer (follow-ups resolve against it).</param>
/// <param name="LastDocumentId">The document the last answer came from.</param>
/// <param name="LastRoute">The last route.</param>
/// <param name="Turns">Messages handled so far.</param>
/// <param name="Dialog">The intake or progress-query dialog in progress, if any.</param>
/// <param name="LastCaseReference">The case this conversation filed last (a repeated 确认提交 is answered with it).</param>
/// <param name="Offered">The options the last replies offered, numbered as text channels show them.</param>
/// <param name="Choices">The matters a clarifying question offered, by the title the citizen sees.</param>
/// <param name="Publicity">Lessons read, the quiz in progress, the weekly-lesson subscription.</param>
public sealed record ConversationState(
    string ConversationId,
    string? LastQuestion,
    string? LastDocumentId,
    string? LastRoute,
    int Turns,
    DateTimeOffset UpdatedAt,
    DialogState? Dialog = null,
    string? LastCaseReference = null,
    IReadOnlyList<OfferedOption>? Offered = null,
    IReadOnlyList<ClarifyChoice>? Choices = null,
    Publicity.PublicityState? Publicity = null)
{
    public static ConversationState New(string conversationId, DateTimeOffset now) => new(conversationId, null, null, null, 0, now);
}

/// <summary>One option of a clarifying question: the matter's title as shown, and the matter.</summary>
public sealed record ClarifyChoice(string Title, string DocumentId);

/// <summary>An answer as given, so feedback can name the question and sources it is about.</summary>
public sealed record AnswerRecord(string AnswerId, string ConversationId, string Channel, string Question, string Route,
    IReadOnlyList<string> Sources, double Confidence, DateTimeOffset CreatedAt);

/// <summary>A question the bot could not answer confidently (or had to ask back about), kept for staff to improve the knowledge base.</summary>
public sealed record UnansweredQuestion(string ConversationId, string Channel, string Question, double BestScore,
    string? BestSource, DateTimeOffset CreatedAt)
{
    /// <summary>The bot asked a clarifying question rather than not knowing.</summary>
    public bool Clarified { get; init; }
}

/// <summary>The stored kind of an <see cref="UnansweredQuestion"/> (the <c>kind</c> column of the unanswered log).</summary>
public static class UnansweredKinds
{
    public const string Unanswered = "unanswered";
    public const string Clarified = "clarified";

    public static string Of(UnansweredQuestion question) => question.Clarified ? Clarified : Unanswered;

    public static bool IsClarified(string kind) => kind == Clarified;
}

public sealed record FeedbackRecord(string AnswerId, string ConversationId, bool Helpful, string Question,
    IReadOnlyList<string> Sources, DateTimeOffset CreatedAt);

/// <summary>Persistence for conversation state and the staff logs. Survives restarts.</summary>
public interface IConversationStore
{
    Task<ConversationState?> GetStateAsync(string conversationId, CancellationToken cancellationToken);
    Task SaveStateAsync(ConversationState state, CancellationToken cancellationToken);

    /// <summary>A turn's reads: its state and, given <paramref name="ratings"/>, the open 好差评 request. A store that can
    /// send them together overrides this (PostgreSQL, the rating store on the same database: one batch); the default reads one, then the other.</summary>
    Task<TurnStart> GetTurnStartAsync(string conversationId, RatingLookup? ratings, CancellationToken cancellationToken) =>
        TurnStart.ReadOneByOneAsync(this, conversationId, ratings, cancellationToken);

    /// <summary>
    /// Whether <see cref="SaveTurnAsync"/> also writes <see cref="TurnWrites.Consultation"/> (咨询人次) and
    /// <see cref="TurnWrites.MattersAsked"/> (精准普法): the shared PostgreSQL store, whose database holds those records
    /// too, writes them in the turn's batch. Otherwise the engine leaves them out, the service's consultation recorder
    /// writes the consultation after the turn, and the 普法 store the matter.
    /// </summary>
    bool KeepsTurnRecords => false;

    /// <summary>A turn's writes: its log entries, then its state. A store that can send them together overrides this
    /// (PostgreSQL: one batch, one commit); the default writes them one by one, as the handlers used to.</summary>
    async Task SaveTurnAsync(ConversationState state, TurnWrites writes, CancellationToken cancellationToken)
    {
        if (writes.Consultation is not null || writes.MattersAsked.Count > 0)
            throw new InvalidOperationException("this conversation store does not keep turn records (KeepsTurnRecords is false)");
        foreach (var answer in writes.Answers) await RecordAnswerAsync(answer, cancellationToken).ConfigureAwait(false);
        foreach (var question in writes.Unanswered) await LogUnansweredAsync(question, cancellationToken).ConfigureAwait(false);
        await SaveStateAsync(state, cancellationToken).ConfigureAwait(false);
    }

    Task RecordAnswerAsync(AnswerRecord answer, CancellationToken cancellationToken);
    Task<AnswerRecord?> GetAnswerAsync(string answerId, CancellationToken cancellationToken);
    Task LogUnansweredAsync(UnansweredQuestion question, CancellationToken cancellationToken);
    Task RecordFeedbackAsync(FeedbackRecord feedback, CancellationToken cancellationToken);
    Task<IReadOnlyList<UnansweredQuestion>> ListUnansweredAsync(int limit, CancellationToken cancellationToken);
    Task<IReadOnlyList<FeedbackRecord>> ListFeedbackAsync(int limit, CancellationToken cancellationToken);

    /// <summary>Deletes conversation states (unfinished dialogs included) and staff log entries older than <paramref name="cutoff"/>.</summary>
    Task<int> PurgeAsync(DateTimeOffset cutoff, CancellationToken cancellationToken);
}
