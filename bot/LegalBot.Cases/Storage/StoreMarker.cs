using System.Text.Json;

namespace LegalBot.Cases.Storage;

/// <summary>A store could not be opened safely; the message says which file or setting to fix.</summary>
public sealed class StoreIntegrityException(string component, string message) : Exception(message)
{
    /// <summary>What failed, for the exit message ("case store", "conversation store", "web chat key").</summary>
    public string Component { get; } = component;
}

/// <summary>
/// <c>{data}/stores.json</c>: the id of every store this data folder has held. Each store keeps its id inside
/// (a <c>meta</c> row), so an emptied, truncated or swapped database is recognised at start-up instead of
/// silently serving an empty service.
/// </summary>
public sealed class StoreMarker(string dataPath)
{
    public const string FileName = "stores.json";
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    public string Path { get; } = System.IO.Path.Combine(dataPath, FileName);

    public string? Get(string store) =>
        Read().TryGetValue(store, out var id) ? id : null;

    public void Set(string store, string id)
    {
        var all = Read();
        if (all.TryGetValue(store, out var existing) && existing == id) return;
        all[store] = id;
        var temp = Path + ".tmp";
        Privacy.DataFiles.EnsurePrivate(temp);
        File.WriteAllText(temp, JsonSerializer.Serialize(all, Indented));
        File.Move(temp, Path, overwrite: true);
    }

    private SortedDictionary<string, string> Read()
    {
        if (!File.Exists(Path)) return new(StringComparer.Ordinal);
        try
        {
            return JsonSerializer.Deserialize<SortedDictionary<string, string>>(File.ReadAllText(Path)) ?? new(StringComparer.Ordinal);
        }
        catch (JsonException ex)
        {
            throw new StoreIntegrityException("data folder", $"{Path} is damaged ({ex.Message}); restore it from backup");
        }
    }

    public static string NewId() => Guid.NewGuid().ToString("N");
}
