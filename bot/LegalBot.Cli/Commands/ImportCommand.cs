using LegalBot.Knowledge.Documents;
using LegalBot.Knowledge.Import;
using LegalBot.Knowledge.Index;

namespace LegalBot.Cli.Commands;

/// <summary>
/// <c>legalbot import FILE… [--knowledge DIR] [--dry-run] [--overwrite]</c>: what the desk's 知识库 upload does. Each file
/// is converted, checked against the folder (its rules and its ids), and written unless it has problems; problems print
/// as path:line: message and make the exit code non-zero.
/// </summary>
internal static class ImportCommand
{
    public static async Task<int> RunAsync(CliArguments args, TextWriter stdout, TextWriter stderr, CancellationToken ct)
    {
        args.EnsureOnly("knowledge", "dry-run", "overwrite");
        if (args.Positional.Count == 0) throw new UsageException("missing FILE");
        var folder = args.Get("knowledge") ?? "knowledge";
        if (!Directory.Exists(folder)) throw new UsageException($"knowledge folder not found: {folder}");
        var dryRun = args.Has("dry-run");
        var overwrite = args.Has("overwrite");

        var (documents, _, _) = await KnowledgeFolderIndexer.ParseAllAsync(folder, ct).ConfigureAwait(false);
        var existing = documents.Select(d => d.Info).ToList();
        var failed = false;
        foreach (var source in args.Positional)
        {
            if (!File.Exists(source))
            {
                await stderr.WriteLineAsync($"{source}:1: file not found").ConfigureAwait(false);
                failed = true;
                continue;
            }
            ImportResult result;
            await using (var stream = File.OpenRead(source))
                result = await DocumentImporter.ImportAsync(source, stream, existing, ct).ConfigureAwait(false);
            foreach (var p in result.Problems) await stdout.WriteLineAsync(p.ToString()).ConfigureAwait(false);
            if (!result.CanSave)
            {
                failed = true;
                await stdout.WriteLineAsync($"{result.SourceName}: not imported").ConfigureAwait(false);
                continue;
            }
            foreach (var file in result.Files)
            {
                var exists = KnowledgePaths.Resolve(folder, file.RelativePath) is { } full && File.Exists(full);
                if (exists && !overwrite)
                {
                    await stdout.WriteLineAsync($"{file.RelativePath}:1: {ImportTexts.FileExists(file.RelativePath)}").ConfigureAwait(false);
                    failed = true;
                    continue;
                }
                if (dryRun)
                {
                    await stdout.WriteLineAsync($"would write {file.RelativePath} ({Kind(file.Kind)}: {file.Title})\n{file.Markdown}").ConfigureAwait(false);
                    continue;
                }
                await KnowledgeFileWriter.WriteAsync(folder, file.RelativePath, file.Markdown, overwrite, ct).ConfigureAwait(false);
                await stdout.WriteLineAsync($"wrote {file.RelativePath} ({Kind(file.Kind)}: {file.Title})").ConfigureAwait(false);
                // Later sources in this run must not take the ids just written.
                var parsed = MarkdownDocumentParser.Parse(file.RelativePath, System.Text.Encoding.UTF8.GetBytes(file.Markdown));
                if (parsed.Document is { } doc) existing.Add(doc.Info);
            }
        }
        return failed ? LegalBotCli.ProblemsFound : LegalBotCli.Ok;
    }

    private static string Kind(DocumentKind kind) => kind.ToString().ToLowerInvariant();
}
