using System.Text.Json;
using LegalBot.Knowledge;
using LegalBot.Knowledge.Search;

namespace LegalBot.Cli.Commands;

internal static class EvalCommand
{
    public static async Task<int> RunAsync(CliArguments args, TextWriter stdout, TextWriter stderr, CancellationToken ct)
    {
        args.EnsureOnly("knowledge", "questions", "json", "synonyms", "data", "split", "misses", "tune");
        var path = args.Require("questions");
        var questions = Evaluation.ParseQuestions(await File.ReadAllTextAsync(path, ct).ConfigureAwait(false), path);
        if (args.Get("split") is { } split) questions = questions.Where(q => q.Split == split).ToList();
        var settings = args.Get("tune") is { } tune ? RetrievalSettings.Parse(tune) : null;
        using var kb = await KnowledgeBase.OpenAsync(args.Require("knowledge"), args.Get("data"), args.Get("synonyms"), settings, ct).ConfigureAwait(false);
        var report = await kb.RefreshAsync(ct).ConfigureAwait(false);
        foreach (var d in report.Diagnostics) await stderr.WriteLineAsync(d.ToString()).ConfigureAwait(false);

        var runs = new List<(IReadOnlyList<GoldArticle>, List<(string, string)>)>(questions.Count);
        foreach (var q in questions)
        {
            var result = await kb.SearchAsync(q.Question, new RetrievalOptions(Top: 30), ct).ConfigureAwait(false);
            var ranked = Evaluation.RankedArticles(result.Hits);
            runs.Add((q.Gold ?? [], ranked));
            if (args.Has("misses") && q.Gold is { Count: > 0 } gold)
            {
                var keys = gold.Select(g => Evaluation.Key(g.Law, g.Article)).ToHashSet();
                var rank = ranked.FindIndex(keys.Contains);
                if (rank is < 0 or >= 5)
                    await stdout.WriteLineAsync($"miss {q.Id} rank={(rank < 0 ? "-" : (rank + 1).ToString(System.Globalization.CultureInfo.InvariantCulture))} {q.Question} gold={string.Join(',', keys.Select(k => k.Law + k.Article))} got={string.Join(',', ranked.Take(3).Select(k => k.Law + k.Article))}").ConfigureAwait(false);
            }
        }
        var m = Evaluation.Score(runs);
        await stdout.WriteLineAsync($"questions={questions.Count} {m}").ConfigureAwait(false);
        if (args.Has("json"))
        {
            var json = JsonSerializer.Serialize(new SortedDictionary<string, object>(StringComparer.Ordinal)
            {
                ["n"] = m.N,
                ["hit1"] = Math.Round(m.Hit1, 4),
                ["hit5"] = Math.Round(m.Hit5, 4),
                ["hit10"] = Math.Round(m.Hit10, 4),
                ["mrr10"] = Math.Round(m.Mrr10, 4),
                ["recall5"] = Math.Round(m.Recall5, 4),
            });
            await stdout.WriteLineAsync(json).ConfigureAwait(false);
        }
        return LegalBotCli.Ok;
    }
}
