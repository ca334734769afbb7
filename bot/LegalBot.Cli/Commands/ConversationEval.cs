using System.Globalization;
using LegalBot.Conversation;
using LegalBot.Conversation.State;
using LegalBot.Knowledge;
using LegalBot.Knowledge.Search;

namespace LegalBot.Cli.Commands;

/// <summary>
/// Conversation-level metrics: route accuracy over questions with a route, and the share of questions
/// with gold whose full engine answer (fresh conversation) cites a gold article.
/// </summary>
internal static class ConversationEval
{
    public sealed record Result(int RouteN, double RouteAccuracy, int CitedN, double CitedGold);

    public static async Task<Result> RunAsync(KnowledgeBase kb, IReadOnlyList<EvalQuestion> questions, TextWriter? misses, TextWriter? verbose, CancellationToken ct)
    {
        var engine = new ConversationEngine(() => kb.Retriever, new InMemoryConversationStore(), EngineOptions.Default, TimeProvider.System);
        int routeN = 0, routeOk = 0, citedN = 0, citedOk = 0;
        foreach (var q in questions)
        {
            if (q.Route is { Count: > 0 } routes)
            {
                routeN++;
                var (decision, _, confidence) = await engine.ClassifyAsync(q.Question, ct).ConfigureAwait(false);
                if (verbose is not null)
                    await verbose.WriteLineAsync(FormattableString.Invariant($"route {q.Id} confidence={confidence:F2} route={decision.Route} want={string.Join('|', routes)} {q.Question}")).ConfigureAwait(false);
                if (routes.Contains(decision.Route)) routeOk++;
                else if (misses is not null)
                    await misses.WriteLineAsync($"route-miss {q.Id} {q.Question} want={string.Join('|', routes)} got={decision.Route} ({decision.Reason}; confidence {confidence.ToString("F2", CultureInfo.InvariantCulture)})").ConfigureAwait(false);
            }
            if (q.Gold is { Count: > 0 } gold)
            {
                citedN++;
                var replies = await engine.HandleAsync(new InboundMessage("eval-" + q.Id, "eval", "eval", q.Question), ct).ConfigureAwait(false);
                var keys = gold.Select(g => Evaluation.Key(g.Law, g.Article)).ToHashSet();
                var cited = replies.SelectMany(r => r.Citations).Select(c => Evaluation.Key(c.Title, c.Location));
                if (cited.Any(keys.Contains)) citedOk++;
                else if (misses is not null)
                    await misses.WriteLineAsync($"cite-miss {q.Id} {q.Question} kind={replies[^1].Kind} cited={string.Join(',', replies.SelectMany(r => r.Citations).Select(c => c.Location))}").ConfigureAwait(false);
            }
        }
        return new Result(routeN, routeN == 0 ? 0 : (double)routeOk / routeN, citedN, citedN == 0 ? 0 : (double)citedOk / citedN);
    }
}
