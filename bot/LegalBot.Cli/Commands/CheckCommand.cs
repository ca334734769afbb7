using LegalBot.Knowledge;

namespace LegalBot.Cli.Commands;

internal static class CheckCommand
{
    public static async Task<int> RunAsync(CliArguments args, TextWriter stdout, TextWriter stderr, CancellationToken ct)
    {
        args.EnsureOnly("knowledge", "synonyms");
        var folder = args.Positional.FirstOrDefault() ?? args.Get("knowledge") ?? throw new UsageException("missing DIR");
        // A check is an index run into memory: the very same parsing and cross-file rules, nothing persisted.
        using var kb = await KnowledgeBase.OpenAsync(folder, dataDirectory: null, args.Get("synonyms"), cancellationToken: ct).ConfigureAwait(false);
        var report = await kb.RefreshAsync(ct).ConfigureAwait(false);
        foreach (var d in report.Diagnostics) await stdout.WriteLineAsync(d.ToString()).ConfigureAwait(false);
        await stdout.WriteLineAsync(report.Diagnostics.Count == 0
            ? $"ok: {report.FilesScanned} files, {report.Changes.Chunks} chunks"
            : $"{report.Diagnostics.Count} problem(s) in {report.Diagnostics.Select(d => d.Path).Distinct().Count()} file(s)").ConfigureAwait(false);
        return report.Diagnostics.Count == 0 ? LegalBotCli.Ok : LegalBotCli.ProblemsFound;
    }
}
