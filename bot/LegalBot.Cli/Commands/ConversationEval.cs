using System.Globalization;
using LegalBot.Conversation;
using LegalBot.Conversation.Routing;
using LegalBot.Conversation.State;
using LegalBot.Knowledge;
using LegalBot.Knowledge.Search;

namespace LegalBot.Cli.Commands;

/// <summary>
/// Conversation-level metrics, from the full engine's replies to each question in a fresh conversation:
/// <list type="bullet">
/// <item><c>route_accuracy</c>: over questions with a route, the reply's route is one of them (an emergency reply counts as emergency);</item>
/// <item><c>answer_cites_gold</c>: over questions with gold, the replies cite a gold article;</item>
/// <item><c>answer_wrong</c>: over questions with gold, a confident answer that cites no gold article (the worst outcome);</item>
/// <item><c>clarified</c> and <c>refused</c>: over all questions, a clarifying question, or "not sure" / out of scope;</item>
/// <item><c>emergency_recall</c> / <c>emergency_false_alarm</c>: over questions routed emergency / routed otherwise, an emergency reply.</item>
/// </list>
/// </summary>
internal static class ConversationEval
{
    public sealed record Result(int RouteN, double RouteAccuracy, int CitedN, double CitedGold, double AnswerWrong, int N, double Clarified, double Refused,
        int EmergencyN, double EmergencyRecall, int NonEmergencyN, double EmergencyFalseAlarm);

    public static async Task<Result> RunAsync(KnowledgeBase kb, IReadOnlyList<EvalQuestion> questions, TextWriter? misses, TextWriter? verbose, CancellationToken ct)
    {
        var engine = new ConversationEngine(() => kb.View, new InMemoryConversationStore(), EngineOptions.Default, TimeProvider.System);
        int routeN = 0, routeOk = 0, citedN = 0, citedOk = 0, wrong = 0, clarified = 0, refused = 0, emergencyN = 0, emergencyOk = 0, otherN = 0, falseAlarms = 0;
        foreach (var q in questions)
        {
            var replies = await engine.HandleAsync(new InboundMessage("eval-" + q.Id, "eval", "eval", q.Question), ct).ConfigureAwait(false);
            var emergency = replies.Any(r => r.Kind == ReplyKind.Emergency);
            var main = replies.FirstOrDefault(r => r.Kind != ReplyKind.Emergency) ?? replies[0];
            var route = emergency ? Routes.Emergency : main.Route;
            if (main.Kind == ReplyKind.Clarify) clarified++;
            if (main.Kind == ReplyKind.NotSure) refused++;
            if (verbose is not null)
            {
                var search = await kb.SearchAsync(q.Question, new RetrievalOptions(10), ct).ConfigureAwait(false);
                await verbose.WriteLineAsync(FormattableString.Invariant($"route {q.Id} confidence={main.Confidence:F2} scope={kb.View.Scope.LegalProbability(q.Question):F2} kind={main.Kind} route={route} want={string.Join('|', q.Route ?? [])} {q.Question}")).ConfigureAwait(false);
                await verbose.WriteLineAsync(FormattableString.Invariant($"  rival={LegalBot.Conversation.Answering.Clarification.RivalShare(search):F3} bigrams={QueryCoverage.Bigrams(search.Query.Core).Count} confidence={search.Confidence:F2} cited={(q.Gold is { Count: > 0 } g && replies.SelectMany(r => r.Citations).Any(c => g.Any(x => Evaluation.Key(x.Law, x.Article) == Evaluation.Key(c.Title, c.Location))) ? 1 : 0)}")).ConfigureAwait(false);
                if (LegalBot.Conversation.Answering.Clarification.Candidates(search, 0, int.MaxValue) is { Count: > 1 } rivals)
                {
                    var qb = QueryCoverage.Bigrams(search.Query.Core);
                    await verbose.WriteLineAsync(FormattableString.Invariant($"  rivals cov={QueryCoverage.Of(search.Query, rivals[0], search.Attested, 3):F3},{QueryCoverage.Of(search.Query, rivals[1], search.Attested, 3):F3} dice={QueryCoverage.BestVariantMatch(qb, rivals[0]):F3},{QueryCoverage.BestVariantMatch(qb, rivals[1]):F3} legal={QueryCoverage.Of(search.Query, rivals[0], search.Attested, 3, false):F3},{QueryCoverage.Of(search.Query, rivals[1], search.Attested, 3, false):F3}")).ConfigureAwait(false);
                }
                // The candidates behind the reply, to see why a wrong one won (gold marked *).
                var goldKeys = (q.Gold ?? []).Select(g => Evaluation.Key(g.Law, g.Article)).ToHashSet();
                foreach (var (h, i) in search.Hits.Take(5).Select((h, i) => (h, i)))
                {
                    var keys = h.Chunk.ArticleLabel is { } label ? [Evaluation.Key(h.Document.ShortTitle, label)] : h.Chunk.ArticleReferences.Select(r => Evaluation.Key(r.Law, r.Article)).ToList();
                    var mark = keys.Any(goldKeys.Contains) ? "*" : " ";
                    await verbose.WriteLineAsync(FormattableString.Invariant($"  {mark}{i + 1} {h.Score:F2} {h.Document.Kind} {h.Document.Title} {h.Chunk.ArticleLabel}")).ConfigureAwait(false);
                }
            }

            if (q.Route is { Count: > 0 } routes)
            {
                routeN++;
                if (routes.Contains(route)) routeOk++;
                else if (misses is not null)
                    await misses.WriteLineAsync($"route-miss {q.Id} {q.Question} want={string.Join('|', routes)} got={route} ({main.Kind}; confidence {main.Confidence.ToString("F2", CultureInfo.InvariantCulture)})").ConfigureAwait(false);
                if (routes.Contains(Routes.Emergency))
                {
                    emergencyN++;
                    if (emergency) emergencyOk++;
                }
                else
                {
                    otherN++;
                    if (emergency) falseAlarms++;
                }
            }
            if (q.Gold is { Count: > 0 } gold)
            {
                citedN++;
                var keys = gold.Select(g => Evaluation.Key(g.Law, g.Article)).ToHashSet();
                var cited = replies.SelectMany(r => r.Citations).Select(c => Evaluation.Key(c.Title, c.Location)).ToList();
                if (cited.Exists(keys.Contains)) citedOk++;
                else
                {
                    if (main.Kind == ReplyKind.Answer) wrong++;
                    if (misses is not null)
                        await misses.WriteLineAsync($"cite-miss {q.Id} {q.Question} kind={main.Kind} cited={string.Join(',', replies.SelectMany(r => r.Citations).Select(c => LegalBot.Knowledge.Documents.LawNames.Shorten(c.Title) + c.Location))}").ConfigureAwait(false);
                }
            }
        }
        static double Share(int k, int n) => n == 0 ? 0 : (double)k / n;
        return new Result(routeN, Share(routeOk, routeN), citedN, Share(citedOk, citedN), Share(wrong, citedN), questions.Count,
            Share(clarified, questions.Count), Share(refused, questions.Count), emergencyN, Share(emergencyOk, emergencyN), otherN, Share(falseAlarms, otherN));
    }
}
