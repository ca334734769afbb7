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
        // Warnings (a statute not in the folder, an old statute text) are worth reading but do not fail the check.
        var errors = report.Diagnostics.Where(d => !d.IsWarning).ToList();
        var warnings = report.Diagnostics.Count - errors.Count;
        await stdout.WriteLineAsync(errors.Count == 0
            ? $"ok: {report.FilesScanned} files, {report.Changes.Chunks} chunks" + (warnings > 0 ? $", {warnings} warning(s)" : "")
            : $"{errors.Count} problem(s) in {errors.Select(d => d.Path).Distinct().Count()} file(s)" + (warnings > 0 ? $", {warnings} warning(s)" : "")).ConfigureAwait(false);
        return errors.Count == 0 ? LegalBotCli.Ok : LegalBotCli.ProblemsFound;
    }
}
