using System.Text;
using LegalBot.Conversation.Answering;
using LegalBot.Conversation.Intake;
using LegalBot.Conversation.Pipeline;
using LegalBot.Conversation.Publicity;
using LegalBot.Conversation.Routing;
using LegalBot.Conversation.Safety;
using LegalBot.Conversation.State;
using LegalBot.Knowledge;
using LegalBot.Knowledge.Text;

namespace LegalBot.Conversation;

public sealed record EngineOptions
{
    /// <summary>Calibrated with <c>legalbot eval</c> on our dev sets and an out-of-scope set (README "Answer confidence").</summary>
    public const double DefaultConfidenceThreshold = 0.4;

    /// <summary>Minimum confidence to answer; below it the reply says "not sure".</summary>
    public double ConfidenceThreshold { get; init; } = DefaultConfidenceThreshold;

    /// <summary>Longer messages are cut (UTF-8 bytes) and the citizen is told.</summary>
    public int MaxMessageBytes { get; init; } = 4096;

    public int MaxCitations { get; init; } = 3;

    public static EngineOptions Default { get; } = new();
}

/// <summary>
/// The channel-neutral conversation engine: message + stored conversation state → replies, through a short
/// pipeline of turn handlers tried in order — feedback, empty message, reset, safety (crisis check, before any
/// dialog), intake dialogs, 普法 (subscription, quiz, leaderboard, lesson), greeting, a pick from a clarifying
/// question, the answer. Each behaviour is one class
/// in its own file; the engine only loads the state (with the open 好差评 request) and saves it (with the turn's log
/// entries and records) around them. No HTTP here.
/// </summary>
/// <param name="intake">Intake dialogs and cases; null for evaluation runs that only answer.</param>
/// <param name="grounded">The optional LLM path: a verified written answer replaces the quote; null keeps answers extractive.</param>
/// <param name="ratings">好差评 of closed cases (right after the safety check, and shown after the turn); null without cases.</param>
public sealed class ConversationEngine : IConversationHandler
{
    private readonly Func<KnowledgeView> _knowledge;
    private readonly IConversationStore _store;
    private readonly TimeProvider _time;
    private readonly IReadOnlyList<ITurnHandler> _handlers;
    private readonly WeeklyLessonOnVisit _afterTurn;
    private readonly MatterDemandRecorder _demand;
    private readonly Ratings.RatingHandler? _ratings;

    public ConversationEngine(Func<KnowledgeView> knowledge, IConversationStore store, EngineOptions options, TimeProvider time,
        IntakeCoordinator? intake = null, Answering.Grounded.GroundedAnswerer? grounded = null, PublicityOptions? publicity = null,
        Ratings.RatingHandler? ratings = null)
    {
        _ratings = ratings;
        publicity ??= PublicityOptions.None;
        _afterTurn = new WeeklyLessonOnVisit(publicity);
        _demand = new MatterDemandRecorder(publicity);
        _knowledge = knowledge;
        _store = store;
        _time = time;
        Options = options;
        var composer = new AnswerComposer(options, time, intake, grounded);
        var handlers = new List<ITurnHandler> { new FeedbackHandler(store), new EmptyMessageHandler(), new ResetHandler(), new SafetyHandler() };
        if (ratings is not null) handlers.Add(ratings);
        if (intake is not null) handlers.Add(new IntakeHandler(intake));
        handlers.AddRange([new SubscriptionHandler(publicity), new QuizHandler(publicity), new LeaderboardHandler(publicity), new LessonHandler(publicity)]);
        handlers.AddRange([new GreetingHandler(), new ClarificationPickHandler(composer), new AnswerHandler(composer, options)]);
        _handlers = handlers;
    }

    public EngineOptions Options { get; }

    /// <summary>Each turn's consultation record (咨询人次) goes with the turn's writes: the store keeps turn records
    /// (<see cref="IConversationStore.KeepsTurnRecords"/>), so the service need not record it after the turn.</summary>
    public bool RecordsConsultations => _store.KeepsTurnRecords;

    public async Task<IReadOnlyList<OutboundReply>> HandleAsync(InboundMessage message, CancellationToken cancellationToken)
    {
        var now = _time.GetUtcNow();
        var received = message;
        // The state and the open 好差评 request together: one round trip on the shared PostgreSQL store.
        var start = await _store.GetTurnStartAsync(message.ConversationId, _ratings?.Lookup(now), cancellationToken).ConfigureAwait(false);
        var state = start.State ?? ConversationState.New(message.ConversationId, now);
        state = state with { Turns = state.Turns + 1, UpdatedAt = now };
        message = NumberedOptions.Resolve(message, state.Offered);
        var (text, truncated) = Truncate(message.Text?.Trim() ?? "", Options.MaxMessageBytes);
        var normalized = TextNormalizer.Normalize(text);
        var turn = new TurnContext
        {
            Message = message, Text = text, Normalized = normalized, Truncated = truncated, Now = now, Knowledge = _knowledge(), State = state,
            TextRoute = normalized.Length == 0 ? null : RouteClassifier.FromText(normalized),
        };
        _ratings?.Begin(turn, start.PendingRating);
        foreach (var handler in _handlers)
            if (await handler.HandleAsync(turn, cancellationToken).ConfigureAwait(false)) break;
        await _afterTurn.ApplyAsync(turn, cancellationToken).ConfigureAwait(false);
        await _demand.ApplyAsync(turn, _store.KeepsTurnRecords, cancellationToken).ConfigureAwait(false);
        if (_ratings is not null) await _ratings.ApplyAsync(turn, cancellationToken).ConfigureAwait(false);

        var replies = turn.Replies;
        if (replies.Count > 0 && truncated) replies[0] = replies[0] with { Notes = [ConversationTexts.TextTooLong, .. replies[0].Notes] };
        if (turn.OfferResume && turn.State.Dialog is not null) replies.Add(IntakeCoordinator.ResumeOffer(turn.State.Dialog.Flow));
        // As the service's recorder counted it from the message as received and the replies as returned.
        if (_store.KeepsTurnRecords) turn.Writes.Consultation = Consultations.Of(received, replies, now, turn.Knowledge.Offices);
        // What was offered, in the order text channels number it, so "2" picks the second option next turn.
        await _store.SaveTurnAsync(turn.State with { Offered = NumberedOptions.Offered(replies) }, turn.Writes, cancellationToken).ConfigureAwait(false);
        return replies;
    }

    /// <summary>Cuts to at most <paramref name="maxBytes"/> UTF-8 bytes on a character boundary.</summary>
    internal static (string Text, bool Truncated) Truncate(string text, int maxBytes)
    {
        if (Encoding.UTF8.GetByteCount(text) <= maxBytes) return (text, false);
        var bytes = 0;
        var i = 0;
        for (; i < text.Length; i++)
        {
            var n = char.IsHighSurrogate(text[i]) && i + 1 < text.Length ? Encoding.UTF8.GetByteCount(text.AsSpan(i, 2)) : Encoding.UTF8.GetByteCount(text.AsSpan(i, 1));
            if (bytes + n > maxBytes) break;
            bytes += n;
            if (n == 4) i++;
        }
        return (text[..i], true);
    }
}
