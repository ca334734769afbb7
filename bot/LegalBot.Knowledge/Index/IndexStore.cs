using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using LegalBot.Knowledge.Documents;

namespace LegalBot.Knowledge.Index;

/// <summary>
/// Persists the parsed documents of an embedded index under the data directory, one file per document, so a
/// restart re-parses nothing that did not change and an update writes only the documents it changed. Each write
/// goes to a temporary file that is renamed over the old one, so a crash mid-write leaves the previous complete
/// file. The store is a cache of the knowledge folder: after a crash between two files of one update, the next
/// refresh finds the difference by file hash and repairs it.
/// </summary>
internal sealed class IndexStore(string dataDirectory)
{
    // 3: one file per document (2 kept every document in one knowledge-index.json).
    private const int FormatVersion = 3;
    private static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    public string DirectoryPath { get; } = Path.Combine(dataDirectory, "knowledge-index");

    /// <summary>Where format 2 kept the whole index; removed once the new store is written.</summary>
    private string LegacyFilePath { get; } = Path.Combine(dataDirectory, "knowledge-index.json");

    private sealed record StoredDocument(int Version, KnowledgeDocument Document);

    /// <summary>The file that holds one document (named by a hash of its id: ids contain slashes and Chinese).</summary>
    public string DocumentPath(string documentId) =>
        Path.Combine(DirectoryPath, Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(documentId)))[..32] + ".json");

    /// <summary>
    /// Loads the stored documents. Unreadable or older-format files are skipped and reported (their documents are
    /// re-indexed from the folder); a format-2 index counts as absent.
    /// </summary>
    public async Task<(IReadOnlyList<KnowledgeDocument> Documents, string? Problem)> LoadAsync(CancellationToken cancellationToken)
    {
        var problems = new List<string>();
        if (File.Exists(LegacyFilePath)) problems.Add($"index format changed; rebuilding {DirectoryPath}");
        var documents = new List<KnowledgeDocument>();
        if (Directory.Exists(DirectoryPath))
        {
            foreach (var file in Directory.EnumerateFiles(DirectoryPath, "*.json").Order(StringComparer.Ordinal))
            {
                try
                {
                    await using var stream = File.OpenRead(file);
                    var stored = await JsonSerializer.DeserializeAsync<StoredDocument>(stream, Json, cancellationToken).ConfigureAwait(false);
                    if (stored?.Document is null || stored.Version != FormatVersion) problems.Add($"index file {file} has another format; re-indexing it");
                    else documents.Add(stored.Document);
                }
                catch (JsonException ex)
                {
                    problems.Add($"index file {file} is unreadable ({ex.Message}); re-indexing it");
                }
            }
        }
        return (documents, problems.Count == 0 ? null : string.Join("; ", problems));
    }

    /// <summary>Writes the upserted documents and removes the deleted ones; nothing else is touched.</summary>
    public async Task SaveAsync(IReadOnlyList<KnowledgeDocument> upserts, IEnumerable<string> deletes, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(DirectoryPath);
        foreach (var document in upserts) await WriteAsync(DocumentPath(document.Info.Id), document, cancellationToken).ConfigureAwait(false);
        foreach (var id in deletes) File.Delete(DocumentPath(id));
        if (File.Exists(LegacyFilePath)) File.Delete(LegacyFilePath);
    }

    private static async Task WriteAsync(string path, KnowledgeDocument document, CancellationToken cancellationToken)
    {
        var temp = path + ".tmp-" + Environment.ProcessId;
        try
        {
            await using (var stream = new FileStream(temp, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16, FileOptions.Asynchronous))
            {
                await JsonSerializer.SerializeAsync(stream, new StoredDocument(FormatVersion, document), Json, cancellationToken).ConfigureAwait(false);
                await stream.FlushAsync(cancellationToken).ConfigureAwait(false);
                stream.Flush(flushToDisk: true);
            }
            File.Move(temp, path, overwrite: true);
        }
        finally
        {
            if (File.Exists(temp)) File.Delete(temp);
        }
    }
}
