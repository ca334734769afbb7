using System.Globalization;
using LegalBot.Knowledge;
using LegalBot.Knowledge.Search;

namespace LegalBot.Cli.Commands;

internal static class AskCommand
{
    public static async Task<int> RunAsync(CliArguments args, TextWriter stdout, TextWriter stderr, CancellationToken ct)
    {
        args.EnsureOnly(["knowledge", "data", "synonyms", "top", .. BackendArguments.Names]);
        var question = string.Join(' ', args.Positional);
        if (string.IsNullOrWhiteSpace(question)) throw new UsageException("missing the question");
        var top = int.TryParse(args.Get("top") ?? "5", out var t) && t > 0 ? t : throw new UsageException("--top takes a positive number");
        using var kb = await BackendArguments.OpenAsync(args, args.Require("knowledge"), args.Get("data"), null, ct).ConfigureAwait(false);
        var report = await kb.RefreshAsync(ct).ConfigureAwait(false);
        foreach (var d in report.Diagnostics) await stderr.WriteLineAsync(d.ToString()).ConfigureAwait(false);

        var result = await kb.SearchAsync(question, new RetrievalOptions(top), ct).ConfigureAwait(false);
        await BackendArguments.ReportRerankFailuresAsync(kb, stderr).ConfigureAwait(false);
        if (result.Hits.Count == 0)
        {
            await stdout.WriteLineAsync("no match").ConfigureAwait(false);
            return LegalBotCli.Ok;
        }
        var rank = 0;
        foreach (var hit in result.Hits)
        {
            var firstLine = hit.Chunk.Text.Split('\n')[0];
            if (firstLine.Length > 80) firstLine = firstLine[..80] + "…";
            var score = hit.Score == double.MaxValue ? "exact" : hit.Score.ToString("F2", CultureInfo.InvariantCulture);
            await stdout.WriteLineAsync($"{++rank}. {KnowledgeTextSearch.CitationName(hit.Document, hit.Chunk)}  [{score}]  {hit.Document.SourcePath}:{hit.Chunk.Line}").ConfigureAwait(false);
            await stdout.WriteLineAsync("   " + firstLine).ConfigureAwait(false);
        }
        return LegalBotCli.Ok;
    }
}
