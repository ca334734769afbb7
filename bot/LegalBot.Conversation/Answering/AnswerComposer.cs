using LegalBot.Conversation.Answering.Grounded;
using LegalBot.Conversation.Intake;
using LegalBot.Conversation.Routing;
using LegalBot.Conversation.State;
using LegalBot.Knowledge;
using LegalBot.Knowledge.Documents;
using LegalBot.Knowledge.Index;
using LegalBot.Knowledge.Search;
using LegalBot.Knowledge.Text;

namespace LegalBot.Conversation.Answering;

/// <summary>
/// Turns a confident retrieval result into the answer a citizen reads:
/// <list type="bullet">
/// <item>a <b>matter</b>: its plain answer, the first governing article quoted from the statute (trimmed to the
/// words the matter quotes, or from the matter when the folder lacks the statute), and every reference cited;</item>
/// <item>a <b>statute article or guide section</b>: the passage trimmed to what answers, cited, optionally rewritten
/// by the grounded writer.</item>
/// </list>
/// Records the answer for feedback (in the turn's <see cref="TurnWrites"/>, saved with the state). No HTTP, no retrieval of its own beyond the document's sections.
/// </summary>
public sealed class AnswerComposer(EngineOptions options, TimeProvider time, IntakeCoordinator? intake, GroundedAnswerer? grounded)
{
    // Further sources are cited when they score at least this share of the best finite score.
    private const double CitationScoreRatio = 0.5;

    /// <param name="specific">For a matter: the statute article that states the question's specific point, if retrieval found one (quoted and cited first).</param>
    public async Task<OutboundReply> ComposeAsync(InboundMessage message, TurnWrites writes, KnowledgeView knowledge, string question, string route, RetrievalResult result,
        double confidence, string? leadOverride, CancellationToken cancellationToken, ChunkHit? specific = null)
    {
        var best = result.Best!;
        return best.Document.Kind == DocumentKind.Matter
            ? await MatterAsync(message, writes, knowledge, question, best, confidence, leadOverride, cancellationToken, specific, route).ConfigureAwait(false)
            : await PassageAsync(message, writes, knowledge, question, route, result, confidence, leadOverride, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>A matter's answer; also used when the citizen picks a matter from a clarifying question.</summary>
    /// <param name="specific">A statute article of one of the matter's laws that states the question's specific point (the matter
    /// is the general problem): quoted and cited first.</param>
    /// <param name="askedRoute">The route the question itself took. When the message names that service beyond doubt and the
    /// matter lists it (mediation and petition: always), the service leads: "想申请复议" about a police fine wants the reconsideration office, while "派出所调解了" about a
    /// fight is not a request for people's mediation (that matter does not list it).</param>
    public Task<OutboundReply> MatterAsync(InboundMessage message, TurnWrites writes, KnowledgeView knowledge, string question, ChunkHit matter, double confidence,
        string? leadOverride, CancellationToken cancellationToken, ChunkHit? specific = null, string? askedRoute = null)
    {
        var routing = MatterRouting.Of(matter.Document);
        // Any quarrel can go to people's mediation and any grievance against an office to 信访, whether the matter lists them or not.
        if (askedRoute is not null && askedRoute != routing.Route && (routing.Services.Contains(askedRoute) || askedRoute is Routes.Mediation or Routes.Petition)
            && RouteClassifier.NamesClearly(TextNormalizer.Normalize(message.Text ?? ""), askedRoute))
            routing = routing with { Route = askedRoute, Services = [.. routing.Services.Prepend(routing.Route).Where(s => Routes.IsService(s) && s != askedRoute).Distinct()] };
        var references = matter.Chunk.ArticleReferences
            // A reference the folder's statute contradicts (no such article) is never cited.
            .Where(r => !knowledge.Statutes.Holds(r.Law) || knowledge.Statutes.Article(r) is not null)
            .ToList();
        if (specific is not null && references.Exists(r => r.Law == specific.Document.ShortTitle))
        {
            var reference = new ArticleReference(specific.Document.ShortTitle, specific.Chunk.ArticleLabel!);
            references.RemoveAll(r => r.Law == reference.Law && r.Article == reference.Article);
            references.Insert(0, reference);
        }
        var citations = references.Select(r => Cite(knowledge, r, matter)).ToList();
        var quote = references.Count > 0 ? Quote(knowledge, references[0]) : null;
        var notes = OutdatedNotes(knowledge, references);
        notes.Add(ConversationTexts.HotlineHint);
        var lead = leadOverride is null ? matter.Chunk.Text.Trim() : leadOverride + "\n" + matter.Chunk.Text.Trim();
        var actions = ServiceActions(routing.Route, routing.Services, message.Text ?? "");
        var office = Office(routing.Route, routing.Services, question);
        var sources = new List<string> { matter.Chunk.Id };
        sources.AddRange(citations.Select(c => c.ChunkId).Where(id => id != matter.Chunk.Id));
        return Task.FromResult(Record(message, writes, question, routing.Route, sources, confidence,
            answerId => new OutboundReply(ReplyKind.Answer, routing.Route, lead, quote, citations, notes, actions, Feedback(answerId), confidence, answerId, office)));
    }

    private async Task<OutboundReply> PassageAsync(InboundMessage message, TurnWrites writes, KnowledgeView knowledge, string question, string route, RetrievalResult result,
        double confidence, string? leadOverride, CancellationToken cancellationToken)
    {
        var best = result.Best!;
        var cited = SelectCitations(result.Hits, options.MaxCitations);
        var lead = leadOverride ?? Lead(best);
        var quote = WithoutDemoNotes(ExcerptSelector.Select(best.Chunk.Text, result.Query.Sparse.Terms.Keys.ToList()));
        var citations = cited.Select(Citation.Of).ToList();
        var notes = OutdatedNotes(knowledge, cited.Where(c => c.Chunk.ArticleLabel is not null).Select(c => new ArticleReference(c.Document.ShortTitle, c.Chunk.ArticleLabel!)));
        notes.Add(ConversationTexts.HotlineHint);
        if (grounded is not null && leadOverride is null)
        {
            // Written from the retrieved passages only; anything unverifiable keeps the extractive answer.
            var outcome = await grounded.TryAnswerAsync(question, result.Hits, message.Channel, cancellationToken).ConfigureAwait(false);
            if (outcome.Answer is { } written)
            {
                lead = CitationVerifier.Inline(written);
                quote = null;
                cited = written.Cited.Select(s => s.Hit).ToList();
                citations = cited.Select(Citation.Of).ToList();
                notes.Insert(0, ConversationTexts.WrittenAnswerNote);
            }
        }
        var actions = await FollowUpActionsAsync(knowledge, best, route, message.Text ?? "", cancellationToken).ConfigureAwait(false);
        var office = intake?.OfficeFor(route, question);
        return Record(message, writes, question, route, cited.Select(c => c.Chunk.Id).ToList(), confidence,
            answerId => new OutboundReply(ReplyKind.Answer, route, lead, quote, citations, notes, actions, Feedback(answerId), confidence, answerId, office));
    }

    private OutboundReply Record(InboundMessage message, TurnWrites writes, string question, string route, IReadOnlyList<string> sources, double confidence,
        Func<string, OutboundReply> reply)
    {
        var answerId = Guid.NewGuid().ToString("N");
        writes.Add(new AnswerRecord(answerId, message.ConversationId, message.Channel, message.Text ?? question, route, sources, confidence, time.GetUtcNow()));
        return reply(answerId);
    }

    /// <summary>The citation of a reference: the folder's statute (title, link, chunk) when it holds it, else the law's name.</summary>
    private static Citation Cite(KnowledgeView knowledge, ArticleReference r, ChunkHit matter) =>
        knowledge.Statutes.Article(r) is { } article
            ? Citation.Of(article)
            : new Citation(r.Law, r.Article, null, matter.Chunk.Id + "@" + r.Law + r.Article);

    /// <summary>
    /// The words the answer rests on: the matter's quote as it stands in the folder's statute (the statute's text is
    /// authoritative), the whole article trimmed when the matter quotes nothing, or the matter's quote alone when the
    /// folder does not hold the statute. Headed by the article it comes from.
    /// </summary>
    internal static string? Quote(KnowledgeView knowledge, ArticleReference r)
    {
        string? words;
        if (knowledge.Statutes.Article(r) is { } article)
        {
            var body = StripLabel(article.Chunk.Text, r.Article);
            words = r.Quote is { Length: > 0 } q ? ReferenceCheck.Locate(q, body) ?? ExcerptSelector.Select(body, []) : ExcerptSelector.Select(body, []);
        }
        else
        {
            words = r.Quote;
        }
        return words is { Length: > 0 } ? ConversationTexts.QuoteHeading(r.Law, r.Article) + words : null;
    }

    private static string StripLabel(string text, string label) =>
        text.StartsWith(label, StringComparison.Ordinal) ? text[label.Length..].TrimStart() : text;

    /// <summary>A note for each cited statute whose folder text is older than its current text (治安管理处罚法 of 2012, say).</summary>
    private static List<string> OutdatedNotes(KnowledgeView knowledge, IEnumerable<ArticleReference> references)
    {
        var notes = new List<string>();
        foreach (var law in references.Select(r => r.Law).Distinct(StringComparer.Ordinal))
        {
            if (knowledge.Registry.Get(law) is not { VersionDate: { } current } known) continue;
            var held = knowledge.Statutes.Statute(law)?.Effective;
            // Without the statute in the folder the matter's quote was written against the text staff keep: say nothing.
            if (held is { } date && date < current) notes.Add(ConversationTexts.OutdatedStatute(law, date, known.InForce ?? current));
        }
        return notes;
    }

    private static List<SuggestedAction> ServiceActions(string route, IReadOnlyList<string> services, string userText)
    {
        var actions = new List<SuggestedAction>();
        foreach (var service in new[] { route }.Concat(services).Distinct(StringComparer.Ordinal))
            if (ConversationTexts.ServiceOffers.TryGetValue(service, out var offer) && !userText.Contains(offer, StringComparison.Ordinal) && actions.Count < 2)
                actions.Add(new SuggestedAction(offer, offer));
        return actions;
    }

    private OfficeCard? Office(string route, IReadOnlyList<string> services, string question)
    {
        if (intake is null) return null;
        if (intake.OfficeFor(route, question) is { } card) return card;
        foreach (var s in services)
            if (intake.OfficeForService(s, question) is { } c) return c;
        return null;
    }

    private static async Task<IReadOnlyList<SuggestedAction>> FollowUpActionsAsync(KnowledgeView knowledge, ChunkHit best, string route, string userText,
        CancellationToken cancellationToken)
    {
        var actions = new List<SuggestedAction>();
        if (best.Document.Kind is DocumentKind.Guide or DocumentKind.Handbook)
        {
            // Other sections of the same guide are the natural next questions ("需要带的材料", "到哪里申请").
            var chunks = await knowledge.Index.GetChunksAsync(best.Document.Id, cancellationToken).ConfigureAwait(false);
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
            // Matters are answers of their own, not passages to cite beside another.
            if (h.Document.Kind == DocumentKind.Matter) continue;
            if (h.Score >= CitationScoreRatio * finite && cited.All(c => c.Chunk.Id != h.Chunk.Id)) cited.Add(h);
        }
        return cited;
    }

    private static string Lead(ChunkHit best)
    {
        if (best.Chunk.ArticleLabel is { } label)
            return ConversationTexts.AnswerLeadRegulation(best.Document.Title, label);
        var section = best.Chunk.HeadingPath.LastOrDefault(h => h != best.Document.Title);
        return section is null
            ? ConversationTexts.AnswerLeadGuideNoSection(best.Document.Title)
            : ConversationTexts.AnswerLeadGuide(best.Document.Title, section);
    }

    /// <summary>Demo-data notes (本文件为演示数据…) are for staff, never part of a quoted answer.</summary>
    private static string WithoutDemoNotes(string quote) =>
        string.Join('\n', quote.Split('\n').Where(l => !l.Contains(ConversationTexts.DemoNoteMarker, StringComparison.Ordinal)));

    private static SuggestedAction[] Feedback(string answerId) =>
    [
        FeedbackButton(ConversationTexts.Helpful, answerId, helpful: true),
        FeedbackButton(ConversationTexts.NotHelpful, answerId, helpful: false),
    ];

    private static SuggestedAction FeedbackButton(string title, string answerId, bool helpful) =>
        new(title, title, ActionKind.Payload, new Dictionary<string, string>
        {
            ["action"] = Pipeline.FeedbackHandler.Action,
            ["answerId"] = answerId,
            ["helpful"] = helpful ? "true" : "false",
        });
}
