using LegalBot.Conversation.Pipeline;
using LegalBot.Conversation.Routing;
using LegalBot.Conversation.Safety;
using LegalBot.Conversation.State;
using LegalBot.Knowledge.Documents;
using LegalBot.Knowledge.Index;
using LegalBot.Knowledge.Search;
using LegalBot.Knowledge.Text;

namespace LegalBot.Conversation.Answering;

/// <summary>
/// The answer: retrieval over matters, statutes and guides (a follow-up searches with the previous question as
/// context), then one of: the legal help after an emergency reply, a clarifying question when the best candidates
/// are different matters close in score, the answer, or an honest "not sure" with 12348 (logged for staff).
/// </summary>
public sealed class AnswerHandler(AnswerComposer composer, EngineOptions options) : ITurnHandler
{
    private const int SearchDepth = 10;

    /// <summary>A county guide section covering this much of a how-to question answers it instead of a matter.</summary>
    public const double LocalGuideCoverage = 0.8;

    /// <summary>A statute article must cover this much of the question to be quoted beside a matter.</summary>
    public const double SpecificArticleCoverage = 0.8;

    private static readonly SearchFilter Statutes = new(Kinds: new HashSet<DocumentKind> { DocumentKind.Regulation });

    /// <summary>Office files are the directory behind office cards, never an answer of their own.</summary>
    private static readonly SearchFilter Answerable = new(Kinds: new HashSet<DocumentKind> { DocumentKind.Regulation, DocumentKind.Guide, DocumentKind.Handbook, DocumentKind.Matter });

    public async ValueTask<bool> HandleAsync(TurnContext turn, CancellationToken cancellationToken)
    {
        var state = turn.State;
        var emergency = turn.Crisis.IsEmergency;
        var pickedSection = !emergency && await IsSectionOfLastDocumentAsync(turn, cancellationToken).ConfigureAwait(false);
        var followUp = pickedSection || (!emergency && FollowUpDetector.IsFollowUp(turn.Normalized, state.LastQuestion, state.LastRoute));
        var question = followUp ? state.LastQuestion + " " + turn.Text : turn.Text;
        var filter = pickedSection ? Answerable with { DocumentIds = new HashSet<string>(StringComparer.Ordinal) { state.LastDocumentId! } } : Answerable;
        var result = RouteAffinity.Prefer(await turn.Knowledge.Retriever.SearchAsync(turn.Text, new RetrievalOptions(SearchDepth, filter, followUp ? state.LastQuestion : null),
            cancellationToken).ConfigureAwait(false), turn.TextRoute?.Route ?? (followUp ? state.LastRoute : null));
        // A message naming no problem ("这事儿几天能办好") is answered alone only when staff gave it, word for word, to a document.
        var confident = result.Confidence >= options.ConfidenceThreshold && (followUp || !TopicFree.Is(turn.Normalized)
            || result.Best is { } said && TopicFree.IsWordingOf(turn.Text, said));
        // A short message that finds nothing on its own, or only daily life, a turn after a question: read it in that
        // question's context, and it is a follow-up if that context makes it confident ("能赔多少", "假一赔三吗").
        if (!followUp && !emergency && turn.TextRoute is null && FollowUpDetector.MayLeanOn(turn.Normalized, state.LastQuestion)
            && (!confident || turn.Knowledge.Scope.IsEveryday(turn.Text)))
        {
            var leaned = RouteAffinity.Prefer(await turn.Knowledge.Retriever.SearchAsync(turn.Text, new RetrievalOptions(SearchDepth, filter, state.LastQuestion),
                cancellationToken).ConfigureAwait(false), state.LastRoute);
            if (leaned.Confidence >= options.ConfidenceThreshold)
                (result, confident, followUp, question) = (leaned, true, true, state.LastQuestion + " " + turn.Text);
        }
        if (followUp && !confident && state.LastDocumentId is { } lastDocument
            && await WithinLastDocumentAsync(turn, question, lastDocument, cancellationToken).ConfigureAwait(false) is { } stayed)
            (result, confident) = (stayed, true);

        if (emergency)
        {
            // The legal help that fits, after the numbers: what was asked if it is about the emergency, else the emergency's own legal question.
            if (await EmergencyLegalHelp.ChooseAsync(turn.Knowledge.Retriever, turn.Text, result, turn.Crisis.Categories, Answerable, options.ConfidenceThreshold,
                    cancellationToken).ConfigureAwait(false) is { } help)
                turn.Replies.Add(await composer.ComposeAsync(turn.Message, turn.Writes, turn.Knowledge, question, Routes.Emergency, help, help.Confidence,
                    SafetyTexts.LegalFollows, cancellationToken).ConfigureAwait(false));
            return true;
        }

        result = PreferLocalGuide(result, turn.Normalized);
        // Daily life (孩子不爱吃饭, 手机字体调大) is declined, not matched on a stray shared word; a named service is always in scope.
        if (confident && turn.TextRoute is null && !followUp && turn.Knowledge.Scope.IsEveryday(turn.Text))
        {
            turn.Replies.Add(Decline(result, turn.Knowledge.Site));
            turn.Writes.Add(new UnansweredQuestion(turn.Message.ConversationId, turn.Message.Channel, turn.Text, result.Confidence,
                result.Best?.Chunk.Id, turn.Now));
            return true;
        }
        var best = result.Best;
        var route = turn.TextRoute?.Route
            ?? (followUp && state.LastRoute is not null ? state.LastRoute
            : best?.Document.Kind == DocumentKind.Matter && confident ? MatterRouting.Of(best.Document).Route
            : RouteClassifier.FromRetrieval(best?.Document, confident).Route);

        // The route stands (the matter's service fits the problem), but an article nothing vouches for is not given.
        if (!confident || !followUp && MatterSupport.IsUnsupported(result))
        {
            turn.Replies.Add(NotSure(route, result));
            turn.Writes.Add(new UnansweredQuestion(turn.Message.ConversationId, turn.Message.Channel, turn.Text, result.Confidence,
                best?.Chunk.Id, turn.Now));
            return true;
        }
        if (!followUp && Clarification.Candidates(result) is { Count: > 1 } choices)
        {
            turn.Replies.Add(Clarification.Ask(route, choices));
            turn.State = state with { Choices = choices.Select(c => new ClarifyChoice(c.Document.Title, c.Document.Id)).ToList() };
            turn.Writes.Add(new UnansweredQuestion(turn.Message.ConversationId, turn.Message.Channel, turn.Text, result.Confidence,
                best!.Chunk.Id, turn.Now) { Clarified = true });
            return true;
        }
        var specific = best!.Document.Kind == DocumentKind.Matter ? await SpecificArticleAsync(turn, followUp ? state.LastQuestion : null, cancellationToken).ConfigureAwait(false) : null;
        turn.Replies.Add(await composer.ComposeAsync(turn.Message, turn.Writes, turn.Knowledge, question, route, result, result.Confidence, null, cancellationToken, specific)
            .ConfigureAwait(false));
        if (!followUp)
            foreach (var (part, matter, confidence) in await FurtherQuestions.FindAsync(turn.Knowledge.Retriever, turn.Text, best, Answerable, options.ConfidenceThreshold,
                         cancellationToken).ConfigureAwait(false))
                turn.Replies.Add(await composer.MatterAsync(turn.Message, turn.Writes, turn.Knowledge, part, matter, confidence, ConversationTexts.FurtherQuestion(part),
                    cancellationToken).ConfigureAwait(false));
        turn.State = state with { LastQuestion = Shorten(question), LastDocumentId = best!.Document.Id, LastRoute = route, Choices = null };
        turn.AnsweredFrom = best.Document;
        return true;
    }

    /// <summary>
    /// A follow-up ("要去哪里告") of a question answered one turn ago stays with the document that answered it when
    /// nothing else is confident: the topic is established, and "not sure" would drop it. Searched with the last
    /// question prepended, so the document's best part for the follow-up comes first.
    /// </summary>
    private static async Task<RetrievalResult?> WithinLastDocumentAsync(TurnContext turn, string question, string documentId, CancellationToken cancellationToken)
    {
        var filter = Answerable with { DocumentIds = new HashSet<string>(StringComparer.Ordinal) { documentId } };
        var result = await turn.Knowledge.Retriever.SearchAsync(question, new RetrievalOptions(SearchDepth, filter), cancellationToken).ConfigureAwait(false);
        return result.Best is null ? null : result;
    }

    /// <summary>
    /// What to bring, where, when: the county's guide section answers that, when it covers the question as fully as
    /// the matter does (a matter is national law; the guide has the local window, materials and hours).
    /// </summary>
    private static RetrievalResult PreferLocalGuide(RetrievalResult result, string normalized)
    {
        if (result.Best?.Document.Kind != DocumentKind.Matter) return result;
        var compact = normalized.Replace(" ", "", StringComparison.Ordinal);
        if (!RouteLexicon.Procedural.Any(c => compact.Contains(c, StringComparison.Ordinal))) return result;
        var matterCoverage = QueryCoverage.Of(result.Query, result.Best, result.Attested, QueryCoverage.MinimumEvidence);
        var guide = result.Hits.Take(5).FirstOrDefault(h => h.Document.Kind is DocumentKind.Guide or DocumentKind.Handbook
            && QueryCoverage.Of(result.Query, h, result.Attested, QueryCoverage.MinimumEvidence) is var c && c >= LocalGuideCoverage && c >= matterCoverage - 0.2);
        return guide is null ? result : result with { Hits = [guide, .. result.Hits.Where(h => h != guide)] };
    }

    /// <summary>
    /// The statute article that states the question's specific point beside the matter that answers its problem
    /// ("法律援助是免费的吗" → 法律援助法第二条): the best article on its own, if it covers nearly all of the question.
    /// </summary>
    private static async Task<ChunkHit?> SpecificArticleAsync(TurnContext turn, string? context, CancellationToken cancellationToken)
    {
        var statutes = await turn.Knowledge.Retriever.SearchAsync(turn.Text, new RetrievalOptions(3, Statutes, context), cancellationToken).ConfigureAwait(false);
        return statutes.Best is { } article && statutes.Confidence >= SpecificArticleCoverage ? article : null;
    }

    /// <summary>
    /// A section heading the last answer offered (its follow-up button, typed or picked by number): a follow-up
    /// of the last question, since the heading alone ("先保存证据") is too short to search.
    /// </summary>
    private static async Task<bool> IsSectionOfLastDocumentAsync(TurnContext turn, CancellationToken cancellationToken)
    {
        var state = turn.State;
        if (state.LastDocumentId is null || state.LastQuestion is null || state.Offered?.Any(o => o.Value == turn.Text) != true) return false;
        var chunks = await turn.Knowledge.Index.GetChunksAsync(state.LastDocumentId, cancellationToken).ConfigureAwait(false);
        return chunks.Any(c => c.HeadingPath.Count > 0 && TextNormalizer.Normalize(c.HeadingPath[^1]) == turn.Normalized);
    }

    private static OutboundReply NotSure(string route, RetrievalResult result)
    {
        var nearest = result.Hits.Take(3)
            .Select(h => new SuggestedAction(NearestTitle(h), NearestQuestion(h)))
            .DistinctBy(a => a.Value).ToList();
        var lead = route == Routes.OutOfScope && nearest.Count == 0 ? ConversationTexts.OutOfScope : ConversationTexts.NotSure;
        var notes = new List<string> { ConversationTexts.NotSureHotline };
        if (nearest.Count > 0) notes.Add(ConversationTexts.NearestTopics);
        return new OutboundReply(ReplyKind.NotSure, route, lead, null, [], notes, nearest, [], result.Confidence, null);
    }

    private static OutboundReply Decline(RetrievalResult result, LegalBot.Knowledge.Site.SiteSettings site) =>
        new(ReplyKind.NotSure, Routes.OutOfScope, ConversationTexts.OutOfScope, null, [], [ConversationTexts.NotSureHotline], Replies.Topics(site), [], result.Confidence, null);

    private static string NearestTitle(ChunkHit h) =>
        h.Document.Kind == DocumentKind.Matter ? h.Document.Title : KnowledgeTextSearch.CitationName(h.Document, h.Chunk);

    private static string NearestQuestion(ChunkHit h) =>
        h.Document.Kind == DocumentKind.Matter ? h.Document.Title
        : h.Chunk.ArticleLabel is { } label ? h.Document.ShortTitle + label : h.Document.Title + " " + string.Join(" ", h.Chunk.HeadingPath);

    private static string Shorten(string question) => question.Length <= 200 ? question : question[^200..];
}
