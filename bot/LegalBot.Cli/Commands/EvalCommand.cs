using System.Globalization;
using System.Text.Json;
using LegalBot.Knowledge;
using LegalBot.Knowledge.Search;

namespace LegalBot.Cli.Commands;

internal static class EvalCommand
{
    public static async Task<int> RunAsync(CliArguments args, TextWriter stdout, TextWriter stderr, CancellationToken ct)
    {
        args.EnsureOnly(["knowledge", "questions", "json", "synonyms", "data", "split", "misses", "tune", "verbose", "depth", .. BackendArguments.Names]);
        var path = args.Require("questions");
        var questions = Evaluation.ParseQuestions(await File.ReadAllTextAsync(path, ct).ConfigureAwait(false), path);
        if (args.Get("split") is { } split) questions = questions.Where(q => q.Split == split).ToList();
        var settings = args.Get("tune") is { } tune ? RetrievalSettings.Parse(tune) : null;
        using var kb = await BackendArguments.OpenAsync(args, args.Require("knowledge"), args.Get("data"), settings, ct).ConfigureAwait(false);
        var report = await kb.RefreshAsync(ct).ConfigureAwait(false);
        foreach (var d in report.Diagnostics) await stderr.WriteLineAsync(d.ToString()).ConfigureAwait(false);

        var depth = args.Get("depth") is { } depthText
            ? int.TryParse(depthText, NumberStyles.Integer, CultureInfo.InvariantCulture, out var k) && k is > 0 and <= 1000 ? k : throw new UsageException("--depth takes a number from 1 to 1000")
            : (int?)null;
        var runs = await Evaluation.RunAsync(kb.Retriever, questions, ct, depth ?? Evaluation.Depth).ConfigureAwait(false);
        if (args.Has("misses"))
        {
            foreach (var run in runs.Where(r => r.Gold.Count > 0 && r.FirstGoldRank is < 0 or >= 5))
            {
                var rank = run.FirstGoldRank < 0 ? "-" : (run.FirstGoldRank + 1).ToString(CultureInfo.InvariantCulture);
                await stdout.WriteLineAsync($"miss {run.Question.Id} rank={rank} {run.Question.Question} " +
                    $"gold={string.Join(',', run.Gold.Select(g => g.Law + g.Article))} got={string.Join(',', run.Ranked.Take(3).Select(k => k.Law + k.Article))}").ConfigureAwait(false);
            }
        }
        var m = Evaluation.Score(runs);
        var conversation = await ConversationEval.RunAsync(kb, questions, args.Has("misses") ? stdout : null, args.Has("verbose") ? stdout : null, ct).ConfigureAwait(false);
        await BackendArguments.ReportRerankFailuresAsync(kb, stderr).ConfigureAwait(false);
        var extra = conversation.RouteN > 0 ? FormattableString.Invariant($" route_accuracy={conversation.RouteAccuracy:F3} (n={conversation.RouteN})") : "";
        extra += conversation.CitedN > 0 ? FormattableString.Invariant($" answer_cites_gold={conversation.CitedGold:F3} answer_wrong={conversation.AnswerWrong:F3} (n={conversation.CitedN})") : "";
        extra += FormattableString.Invariant($" clarified={conversation.Clarified:F3} refused={conversation.Refused:F3}");
        if (conversation.EmergencyN > 0) extra += FormattableString.Invariant($" emergency_recall={conversation.EmergencyRecall:F3} (n={conversation.EmergencyN})");
        if (conversation.NonEmergencyN > 0) extra += FormattableString.Invariant($" emergency_false_alarm={conversation.EmergencyFalseAlarm:F3} (n={conversation.NonEmergencyN})");
        if (depth is { } reported) extra += FormattableString.Invariant($" hit@{reported}={Evaluation.HitAt(runs, reported):F3}");
        await stdout.WriteLineAsync($"questions={questions.Count} {m}{extra}").ConfigureAwait(false);
        if (args.Has("json"))
        {
            var fields = new SortedDictionary<string, object>(StringComparer.Ordinal)
            {
                ["n"] = m.N,
                ["hit1"] = Math.Round(m.Hit1, 4),
                ["hit5"] = Math.Round(m.Hit5, 4),
                ["hit10"] = Math.Round(m.Hit10, 4),
                ["mrr10"] = Math.Round(m.Mrr10, 4),
                ["recall5"] = Math.Round(m.Recall5, 4),
            };
            if (conversation.RouteN > 0) fields["route_accuracy"] = Math.Round(conversation.RouteAccuracy, 4);
            if (conversation.CitedN > 0)
            {
                fields["answer_cites_gold"] = Math.Round(conversation.CitedGold, 4);
                fields["answer_wrong"] = Math.Round(conversation.AnswerWrong, 4);
            }
            fields["clarified"] = Math.Round(conversation.Clarified, 4);
            fields["refused"] = Math.Round(conversation.Refused, 4);
            if (conversation.EmergencyN > 0) fields["emergency_recall"] = Math.Round(conversation.EmergencyRecall, 4);
            if (conversation.NonEmergencyN > 0) fields["emergency_false_alarm"] = Math.Round(conversation.EmergencyFalseAlarm, 4);
            await stdout.WriteLineAsync(JsonSerializer.Serialize(fields)).ConfigureAwait(false);
        }
        return LegalBotCli.Ok;
    }
}
