using System.Text.Json;
using System.Text.Json.Serialization;
using LegalBot.Knowledge.Documents;

namespace LegalBot.Knowledge.Index;

/// <summary>
/// Persists the parsed documents of an embedded index under the data directory, so a restart re-parses
/// nothing that did not change. Writes go to a temporary file that is renamed over the old one, so a
/// crash mid-write leaves the previous complete file.
/// </summary>
internal sealed class IndexStore(string dataDirectory)
{
    // 2: chunks carry question wordings and article references (matters).
    private const int FormatVersion = 2;
    private static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    public string FilePath { get; } = Path.Combine(dataDirectory, "knowledge-index.json");

    private sealed record StoredIndex(int Version, IReadOnlyList<KnowledgeDocument> Documents);

    /// <summary>Loads the stored documents; an absent, unreadable or older-format file yields none (everything is re-indexed).</summary>
    public async Task<(IReadOnlyList<KnowledgeDocument> Documents, string? Problem)> LoadAsync(CancellationToken cancellationToken)
    {
        if (!File.Exists(FilePath)) return ([], null);
        try
        {
            await using var stream = File.OpenRead(FilePath);
            var stored = await JsonSerializer.DeserializeAsync<StoredIndex>(stream, Json, cancellationToken).ConfigureAwait(false);
            if (stored is null || stored.Version != FormatVersion) return ([], $"index format changed; rebuilding {FilePath}");
            return (stored.Documents, null);
        }
        catch (JsonException ex)
        {
            return ([], $"index file {FilePath} is unreadable ({ex.Message}); rebuilding");
        }
    }

    public async Task SaveAsync(IReadOnlyList<KnowledgeDocument> documents, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(FilePath)!);
        var temp = FilePath + ".tmp-" + Environment.ProcessId;
        try
        {
            await using (var stream = new FileStream(temp, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16, FileOptions.Asynchronous))
            {
                await JsonSerializer.SerializeAsync(stream, new StoredIndex(FormatVersion, documents), Json, cancellationToken).ConfigureAwait(false);
                await stream.FlushAsync(cancellationToken).ConfigureAwait(false);
                stream.Flush(flushToDisk: true);
            }
            File.Move(temp, FilePath, overwrite: true);
        }
        finally
        {
            if (File.Exists(temp)) File.Delete(temp);
        }
    }
}
