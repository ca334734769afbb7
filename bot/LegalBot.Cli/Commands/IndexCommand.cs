using System.Globalization;
using LegalBot.Knowledge;
using LegalBot.Knowledge.Index;

namespace LegalBot.Cli.Commands;

internal static class IndexCommand
{
    public static async Task<int> RunAsync(CliArguments args, TextWriter stdout, TextWriter stderr, CancellationToken ct)
    {
        args.EnsureOnly(["knowledge", "data", "synonyms", "rebuild", .. BackendArguments.Names]);
        var knowledge = args.Get("knowledge") ?? args.Positional.FirstOrDefault() ?? throw new UsageException("missing --knowledge DIR");
        var data = args.Get("data") ?? "data";
        using var kb = await BackendArguments.OpenAsync(args, knowledge, data, null, ct).ConfigureAwait(false);
        if (kb.EmbeddedIndex?.LoadProblem is { } problem) await stderr.WriteLineAsync("note: " + problem).ConfigureAwait(false);
        var report = args.Has("rebuild") ? await kb.RebuildAsync(ct).ConfigureAwait(false) : await kb.RefreshAsync(ct).ConfigureAwait(false);
        await WriteReportAsync(report, stdout, stderr).ConfigureAwait(false);
        return report.Diagnostics.Count == 0 ? LegalBotCli.Ok : LegalBotCli.ProblemsFound;
    }

    internal static async Task WriteReportAsync(IndexRunReport report, TextWriter stdout, TextWriter stderr)
    {
        foreach (var d in report.Diagnostics) await stderr.WriteLineAsync(d.ToString()).ConfigureAwait(false);
        var c = report.Changes;
        await stdout.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
            $"indexed {c.Documents} documents, {c.Chunks} chunks; files scanned {report.FilesScanned}, parsed {report.FilesParsed}; " +
            $"added {c.Added}, changed {c.Changed}, removed {c.Removed}; {report.Diagnostics.Count} problem(s); {report.Elapsed.TotalMilliseconds:F0} ms")).ConfigureAwait(false);
    }
}
