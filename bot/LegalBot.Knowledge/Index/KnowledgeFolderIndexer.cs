using System.Diagnostics;
using LegalBot.Knowledge.Documents;

namespace LegalBot.Knowledge.Index;

public sealed record IndexRunReport(
    IndexChangeSummary Changes,
    IReadOnlyList<KnowledgeDiagnostic> Diagnostics,
    int FilesScanned,
    int FilesParsed,
    TimeSpan Elapsed);

/// <summary>
/// Brings an index in line with a knowledge folder: parses only files whose hash changed, rejects bad files
/// with diagnostics (a broken edit keeps the file's last good version in the index), checks ids across
/// files, and applies everything as one atomic batch.
/// </summary>
public sealed class KnowledgeFolderIndexer(IKnowledgeIndex index, KnowledgeLimits? limits = null)
{
    private readonly KnowledgeLimits _limits = limits ?? KnowledgeLimits.Default;

    /// <summary>
    /// Parses every file of <paramref name="folder"/> (for a full rebuild): good documents, and a diagnostic for
    /// each bad file or duplicate id (the first file with an id keeps it).
    /// </summary>
    public static async Task<(IReadOnlyList<KnowledgeDocument> Documents, IReadOnlyList<KnowledgeDiagnostic> Diagnostics, int Files)> ParseAllAsync(
        string folder, CancellationToken cancellationToken, KnowledgeLimits? limits = null)
    {
        var (files, refused) = KnowledgeFolder.EnumerateDocuments(folder, limits);
        var diagnostics = new List<KnowledgeDiagnostic>(refused);
        var documents = new Dictionary<string, KnowledgeDocument>(StringComparer.Ordinal);
        foreach (var file in files)
        {
            if (await ReadAsync(file, diagnostics, cancellationToken).ConfigureAwait(false) is not { } bytes) continue;
            var result = MarkdownDocumentParser.Parse(file.RelativePath, bytes, limits);
            diagnostics.AddRange(result.Diagnostics);
            if (result.Document is not { } doc || result.Diagnostics.Count > 0) continue;
            if (!documents.TryAdd(doc.Info.Id, doc))
                diagnostics.Add(new(doc.Info.SourcePath, 1, $"duplicate id '{doc.Info.Id}' (also used by {documents[doc.Info.Id].Info.SourcePath})"));
        }
        return ([.. documents.Values], diagnostics, files.Count);
    }

    /// <summary>The file's bytes; null (with a problem) when it cannot be read or grew past the limit since it was listed.</summary>
    private static async Task<byte[]?> ReadAsync(KnowledgeFile file, List<KnowledgeDiagnostic> diagnostics, CancellationToken cancellationToken)
    {
        try
        {
            return await File.ReadAllBytesAsync(file.FullPath, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            diagnostics.Add(new(file.RelativePath, 1, "cannot be read: " + ex.Message));
            return null;
        }
    }

    public async Task<IndexRunReport> RunAsync(string folder, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        var existing = await index.GetDocumentsAsync(cancellationToken).ConfigureAwait(false);
        var existingByPath = existing.ToDictionary(d => d.SourcePath, StringComparer.Ordinal);
        var (files, refused) = KnowledgeFolder.EnumerateDocuments(folder, _limits);
        var diagnostics = new List<KnowledgeDiagnostic>(refused);

        // Ids owned by files we keep as they are (unchanged, or broken and keeping their last good version).
        var idOwners = new Dictionary<string, string>(StringComparer.Ordinal);
        var parsed = new List<KnowledgeDocument>();
        var parsedCount = 0;
        var contents = new byte[]?[files.Count];
        for (var i = 0; i < files.Count; i++) contents[i] = await ReadAsync(files[i], diagnostics, cancellationToken).ConfigureAwait(false);
        // Hashing and parsing are pure and per file, and most of a cold start: spread them over the cores,
        // then take the results in folder order, so id ownership and parse diagnostics follow the folder as before.
        var results = new ParseResult?[files.Count];
        Parallel.For(0, files.Count, new ParallelOptions { CancellationToken = cancellationToken }, i =>
        {
            if (contents[i] is not { } bytes) return;
            if (existingByPath.TryGetValue(files[i].RelativePath, out var previous)
                && previous.FileHash == Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(bytes))) return;
            results[i] = MarkdownDocumentParser.Parse(files[i].RelativePath, bytes, _limits);
        });
        for (var i = 0; i < files.Count; i++)
        {
            var file = files[i];
            existingByPath.TryGetValue(file.RelativePath, out var previous);
            if (contents[i] is null)
            {
                // Unreadable right now (being saved, permissions): its last good version keeps serving.
                if (previous is not null) idOwners[previous.Id] = file.RelativePath;
                continue;
            }
            if (results[i] is not { } result)
            {
                // Unchanged since the index took it (same hash).
                idOwners[previous!.Id] = file.RelativePath;
                continue;
            }
            parsedCount++;
            diagnostics.AddRange(result.Diagnostics);
            if (result.Document is not null && result.Diagnostics.Count == 0) parsed.Add(result.Document);
            else if (previous is not null) idOwners[previous.Id] = file.RelativePath;
        }

        var upserts = new List<KnowledgeDocument>();
        foreach (var doc in parsed)
        {
            if (idOwners.TryGetValue(doc.Info.Id, out var owner) && owner != doc.Info.SourcePath)
            {
                diagnostics.Add(new(doc.Info.SourcePath, 1, $"duplicate id '{doc.Info.Id}' (also used by {owner})"));
                if (existingByPath.TryGetValue(doc.Info.SourcePath, out var prev)) idOwners.TryAdd(prev.Id, doc.Info.SourcePath);
                continue;
            }
            idOwners[doc.Info.Id] = doc.Info.SourcePath;
            upserts.Add(doc);
        }

        var keepIds = new HashSet<string>(idOwners.Keys, StringComparer.Ordinal);
        var deletes = existing.Where(d => !keepIds.Contains(d.Id)).Select(d => d.Id).ToList();
        var changes = await index.ApplyAsync(new IndexBatch(upserts, deletes), cancellationToken).ConfigureAwait(false);
        return new IndexRunReport(changes, diagnostics, files.Count, parsedCount, clock.Elapsed);
    }
}
