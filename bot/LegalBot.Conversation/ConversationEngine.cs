using System.Text;
using LegalBot.Conversation.Answering;
using LegalBot.Conversation.Intake;
using LegalBot.Conversation.Routing;
using LegalBot.Conversation.State;
using LegalBot.Knowledge.Documents;
using LegalBot.Knowledge.Index;
using LegalBot.Knowledge.Search;
using LegalBot.Knowledge.Text;

namespace LegalBot.Conversation;

public sealed record EngineOptions
{
    /// <summary>Calibrated with <c>legalbot eval</c> on services-dev and an out-of-scope set (README "Answer confidence").</summary>
    public const double DefaultConfidenceThreshold = 0.4;

    /// <summary>Minimum <see cref="QueryCoverage"/> to answer; below it the reply says "not sure".</summary>
    public double ConfidenceThreshold { get; init; } = DefaultConfidenceThreshold;

    /// <summary>Longer messages are cut (UTF-8 bytes) and the citizen is told.</summary>
    public int MaxMessageBytes { get; init; } = 4096;

    public int MaxCitations { get; init; } = 3;

    public static EngineOptions Default { get; } = new();
}

/// <summary>
/// The channel-neutral conversation engine: message + stored conversation state → replies. Routes every
/// message, answers extractively with citations, says honestly when it does not know (and logs the question
/// for staff), resolves short follow-ups against the previous topic, records feedback, and hands applications
/// and progress queries to the <see cref="IntakeCoordinator"/>. No HTTP here.
/// </summary>
/// <param name="intake">Intake dialogs and cases; null only for evaluation runs that classify questions.</param>
/// <param name="grounded">The optional LLM path: a verified written answer replaces the quote; null keeps answers extractive.</param>
public sealed class ConversationEngine(Func<KnowledgeRetriever> retriever, IConversationStore store, EngineOptions options, TimeProvider time,
    IntakeCoordinator? intake = null, Answering.Grounded.GroundedAnswerer? grounded = null) : IConversationHandler
{
    public const string FeedbackAction = "feedback";
    // Further sources are cited when they score at least this share of the best finite score.
    private const double CitationScoreRatio = 0.5;
    private const int SearchDepth = 10;

    public EngineOptions Options { get; } = options;

    public async Task<IReadOnlyList<OutboundReply>> HandleAsync(InboundMessage message, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var state = await store.GetStateAsync(message.ConversationId, cancellationToken).ConfigureAwait(false)
            ?? ConversationState.New(message.ConversationId, now);
        state = state with { Turns = state.Turns + 1, UpdatedAt = now };
        message = NumberedOptions.Resolve(message, state.Offered);
        var (replies, next) = await HandleCoreAsync(message, state, now, cancellationToken).ConfigureAwait(false);
        // What was offered, in the order text channels number it, so "2" picks the second option next turn.
        await store.SaveStateAsync(next with { Offered = NumberedOptions.Offered(replies) }, cancellationToken).ConfigureAwait(false);
        return replies;
    }

    private async Task<(IReadOnlyList<OutboundReply> Replies, ConversationState State)> HandleCoreAsync(InboundMessage message, ConversationState state,
        DateTimeOffset now, CancellationToken cancellationToken)
    {

        if (message.Value is { } value && value.TryGetValue("action", out var action) && action == FeedbackAction)
        {
            var ack = await RecordFeedbackAsync(message, value, now, cancellationToken).ConfigureAwait(false);
            return ([ack], state);
        }

        var (text, truncated) = Truncate(message.Text?.Trim() ?? "", Options.MaxMessageBytes);
        var normalized = TextNormalizer.Normalize(text);
        if (normalized.Length == 0)
            return ([Simple(ReplyKind.Acknowledgement, Routes.OutOfScope, ConversationTexts.EmptyMessage, TopicActions())], state);
        if (RouteClassifier.IsReset(normalized))
            return ([Simple(ReplyKind.Reset, Routes.Greeting, ConversationTexts.Reset, TopicActions())], ConversationState.New(message.ConversationId, now) with { Turns = state.Turns });

        var replies = new List<OutboundReply>();
        var decision = RouteClassifier.FromText(normalized);
        var offerResume = false;
        if (intake is not null)
        {
            var turn = await intake.HandleAsync(message, state, text, decision, LegalBasisAsync, cancellationToken).ConfigureAwait(false);
            state = turn.State;
            offerResume = turn.OfferResume;
            if (turn.Handled) return (turn.Replies, state);
        }
        if (decision?.Route == Routes.Greeting)
        {
            var greeting = decision.Reason == RouteClassifier.ThanksReason ? ConversationTexts.Thanks : ConversationTexts.Greeting;
            return ([Simple(ReplyKind.Greeting, Routes.Greeting, greeting, TopicActions())], state);
        }
        if (decision?.Route == Routes.Emergency)
        {
            replies.Add(Simple(ReplyKind.Emergency, Routes.Emergency, ConversationTexts.Emergency,
                [new SuggestedAction("拨打 110", "tel:110", ActionKind.Link), new SuggestedAction("拨打 120", "tel:120", ActionKind.Link)]));
        }

        // A picked section is searched within the guide that offered it: another guide may have the same heading.
        var pickedSection = decision?.Route != Routes.Emergency && await IsSectionOfLastDocumentAsync(text, normalized, state, cancellationToken).ConfigureAwait(false);
        var followUp = pickedSection || (decision?.Route != Routes.Emergency && FollowUpDetector.IsFollowUp(normalized, state.LastQuestion, state.LastRoute));
        var question = followUp ? state.LastQuestion + " " + text : text;
        var (result, best, confidence) = await RetrieveAsync(text, followUp ? state.LastQuestion : null, cancellationToken,
            pickedSection ? new SearchFilter(DocumentIds: new HashSet<string>(StringComparer.Ordinal) { state.LastDocumentId! }) : null).ConfigureAwait(false);
        var confident = confidence >= Options.ConfidenceThreshold;
        decision ??= followUp && state.LastRoute is not null
            ? new RouteDecision(state.LastRoute, "follow-up of the previous question")
            : RouteClassifier.FromRetrieval(best?.Document, confident);

        if (decision.Route == Routes.Emergency)
        {
            if (confident) replies.Add(await AnswerAsync(message, question, decision.Route, result, confidence, ConversationTexts.EmergencyLegalFollows, cancellationToken).ConfigureAwait(false));
        }
        else if (confident)
        {
            replies.Add(await AnswerAsync(message, question, decision.Route, result, confidence, null, cancellationToken).ConfigureAwait(false));
            state = state with { LastQuestion = Shorten(question), LastDocumentId = best!.Document.Id, LastRoute = decision.Route };
        }
        else
        {
            replies.Add(NotSure(decision.Route, result, confidence));
            await store.LogUnansweredAsync(new UnansweredQuestion(message.ConversationId, message.Channel, text, confidence,
                best?.Chunk.Id, now), cancellationToken).ConfigureAwait(false);
        }

        if (truncated) replies[0] = replies[0] with { Notes = [ConversationTexts.TextTooLong, .. replies[0].Notes] };
        if (offerResume) replies.Add(IntakeCoordinator.ResumeOffer(state.Dialog?.Flow));
        return (replies, state);
    }

    /// <summary>
    /// A section heading the last answer offered (its follow-up button, typed or picked by number): a follow-up
    /// of the last question, since the heading alone ("先保存证据") is too short to search. Only a message that
    /// is one of the offered options costs a look at the document.
    /// </summary>
    private async Task<bool> IsSectionOfLastDocumentAsync(string text, string normalized, ConversationState state, CancellationToken cancellationToken)
    {
        if (state.LastDocumentId is null || state.LastQuestion is null || state.Offered?.Any(o => o.Value == text) != true) return false;
        var chunks = await retriever().Index.GetChunksAsync(state.LastDocumentId, cancellationToken).ConfigureAwait(false);
        return chunks.Any(c => c.HeadingPath.Count > 0 && TextNormalizer.Normalize(c.HeadingPath[^1]) == normalized);
    }

    /// <summary>The article or guide section that states the rule an intake prompt relies on; null when the knowledge base has none.</summary>
    private async Task<Citation?> LegalBasisAsync(LegalBasis basis, CancellationToken cancellationToken)
    {
        var result = await retriever().SearchAsync(basis.Query, new RetrievalOptions(SearchDepth), cancellationToken).ConfigureAwait(false);
        var stating = result.Hits.FirstOrDefault(h => h.Chunk.Text.Replace("*", "", StringComparison.Ordinal).Contains(basis.Phrase, StringComparison.Ordinal));
        return stating is null ? null : Citation.Of(stating);
    }

    /// <summary>The route the engine would give a message with no history (for evaluation).</summary>
    public async Task<(RouteDecision Decision, RetrievalResult Result, double Confidence)> ClassifyAsync(string text, CancellationToken cancellationToken)
    {
        var normalized = TextNormalizer.Normalize(text);
        var decision = RouteClassifier.FromText(normalized);
        var (result, best, confidence) = await RetrieveAsync(text, null, cancellationToken).ConfigureAwait(false);
        decision ??= RouteClassifier.FromRetrieval(best?.Document, confidence >= Options.ConfidenceThreshold);
        return (decision, result, confidence);
    }

    /// <param name="context">For a follow-up, the previous question: it steers the search but counts less than the message.</param>
    private async Task<(RetrievalResult Result, ChunkHit? Best, double Confidence)> RetrieveAsync(string text, string? context, CancellationToken cancellationToken,
        SearchFilter? filter = null)
    {
        var result = await retriever().SearchAsync(text, new RetrievalOptions(SearchDepth, filter, context), cancellationToken).ConfigureAwait(false);
        return (result, result.Best, result.Confidence);
    }

    private async Task<OutboundReply> AnswerAsync(InboundMessage message, string question, string route, RetrievalResult result, double confidence, string? leadOverride, CancellationToken cancellationToken)
    {
        var best = result.Best!;
        var cited = SelectCitations(result.Hits, Options.MaxCitations);
        var answerId = Guid.NewGuid().ToString("N");
        var lead = leadOverride ?? Lead(best);
        var quote = ExcerptSelector.Select(best.Chunk.Text, result.Query.Sparse.Terms.Keys.ToList());
        var citations = cited.Select(Citation.Of).ToList();
        var notes = new List<string> { ConversationTexts.HotlineHint };
        if (grounded is not null && leadOverride is null)
        {
            // Written from the retrieved passages only; anything unverifiable keeps the extractive answer.
            var outcome = await grounded.TryAnswerAsync(question, result.Hits, message.Channel, cancellationToken).ConfigureAwait(false);
            if (outcome.Answer is { } written)
            {
                lead = Answering.Grounded.CitationVerifier.Inline(written);
                quote = null;
                cited = written.Cited.Select(s => s.Hit).ToList();
                citations = cited.Select(Citation.Of).ToList();
                notes.Insert(0, ConversationTexts.WrittenAnswerNote);
            }
        }
        var actions = await FollowUpActionsAsync(best, route, message.Text ?? "", cancellationToken).ConfigureAwait(false);
        var feedback = new[]
        {
            FeedbackButton(ConversationTexts.Helpful, answerId, helpful: true),
            FeedbackButton(ConversationTexts.NotHelpful, answerId, helpful: false),
        };
        await store.RecordAnswerAsync(new AnswerRecord(answerId, message.ConversationId, message.Channel, message.Text ?? question, route,
            cited.Select(c => c.Chunk.Id).ToList(), confidence, time.GetUtcNow()), cancellationToken).ConfigureAwait(false);
        return new OutboundReply(ReplyKind.Answer, route, lead, quote, citations,
            notes, actions, feedback, confidence, answerId, intake?.OfficeFor(route, question));
    }

    private static OutboundReply NotSure(string route, RetrievalResult result, double confidence)
    {
        var nearest = result.Hits.Take(3)
            .Select(h => new SuggestedAction(KnowledgeTextSearch.CitationName(h.Document, h.Chunk), NearestTopicQuestion(h)))
            .DistinctBy(a => a.Value).ToList();
        var lead = route == Routes.OutOfScope && nearest.Count == 0 ? ConversationTexts.OutOfScope : ConversationTexts.NotSure;
        var notes = new List<string> { ConversationTexts.NotSureHotline };
        if (nearest.Count > 0) notes.Add(ConversationTexts.NearestTopics);
        return new OutboundReply(ReplyKind.NotSure, route, lead, null, [], notes, nearest, [], confidence, null);
    }

    private async Task<OutboundReply> RecordFeedbackAsync(InboundMessage message, IReadOnlyDictionary<string, string> value, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var helpful = value.TryGetValue("helpful", out var h) && bool.TryParse(h, out var b) && b;
        if (value.TryGetValue("answerId", out var answerId) && await store.GetAnswerAsync(answerId, cancellationToken).ConfigureAwait(false) is { } answer)
        {
            await store.RecordFeedbackAsync(new FeedbackRecord(answerId, message.ConversationId, helpful, answer.Question, answer.Sources, now), cancellationToken).ConfigureAwait(false);
        }
        return Simple(ReplyKind.Acknowledgement, Routes.Consult, helpful ? ConversationTexts.FeedbackThanks : ConversationTexts.FeedbackSorry, []);
    }

    private async Task<IReadOnlyList<SuggestedAction>> FollowUpActionsAsync(ChunkHit best, string route, string userText, CancellationToken cancellationToken)
    {
        var actions = new List<SuggestedAction>();
        if (best.Document.Kind != DocumentKind.Regulation)
        {
            // Other sections of the same guide are the natural next questions ("需要带的材料", "到哪里申请").
            var chunks = await retriever().Index.GetChunksAsync(best.Document.Id, cancellationToken).ConfigureAwait(false);
            foreach (var c in chunks)
            {
                if (c.Id == best.Chunk.Id || c.HeadingPath.Count == 0) continue;
                var heading = c.HeadingPath[^1];
                if (actions.Count < 3 && actions.All(a => a.Title != heading)) actions.Add(new SuggestedAction(heading, heading));
            }
        }
        if (actions.Count == 0 && ConversationTexts.FollowUps.TryGetValue(route, out var questions))
            actions.AddRange(questions.Select(q => new SuggestedAction(q, q)));
        if (ConversationTexts.ServiceOffers.TryGetValue(route, out var offer) && !userText.Contains(offer, StringComparison.Ordinal))
            actions.Add(new SuggestedAction(offer, offer));
        return actions;
    }

    private static List<ChunkHit> SelectCitations(IReadOnlyList<ChunkHit> hits, int max)
    {
        var finite = hits.Where(h => h.Score < double.MaxValue).Select(h => h.Score).DefaultIfEmpty(0).Max();
        var cited = new List<ChunkHit> { hits[0] };
        foreach (var h in hits.Skip(1))
        {
            if (cited.Count >= max) break;
            if (h.Score >= CitationScoreRatio * finite && cited.All(c => c.Chunk.Id != h.Chunk.Id)) cited.Add(h);
        }
        return cited;
    }

    private static string Lead(ChunkHit best)
    {
        if (best.Chunk.ArticleLabel is { } label)
            return ConversationTexts.AnswerLeadRegulation(best.Document.Title, label);
        return best.Chunk.HeadingPath.Count == 0
            ? ConversationTexts.AnswerLeadGuideNoSection(best.Document.Title)
            : ConversationTexts.AnswerLeadGuide(best.Document.Title, best.Chunk.HeadingPath[^1]);
    }

    private static string NearestTopicQuestion(ChunkHit h) =>
        h.Chunk.ArticleLabel is { } label ? h.Document.ShortTitle + label : h.Document.Title + " " + string.Join(" ", h.Chunk.HeadingPath);

    private static SuggestedAction FeedbackButton(string title, string answerId, bool helpful) =>
        new(title, title, ActionKind.Payload, new Dictionary<string, string>
        {
            ["action"] = FeedbackAction,
            ["answerId"] = answerId,
            ["helpful"] = helpful ? "true" : "false",
        });

    private static List<SuggestedAction> TopicActions() =>
        ConversationTexts.GreetingTopics.Select(t => new SuggestedAction(t, t)).ToList();

    private static OutboundReply Simple(ReplyKind kind, string route, string lead, IReadOnlyList<SuggestedAction> actions) =>
        new(kind, route, lead, null, [], [], actions, [], 1.0, null);

    private static string Shorten(string question) => question.Length <= 200 ? question : question[^200..];

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
