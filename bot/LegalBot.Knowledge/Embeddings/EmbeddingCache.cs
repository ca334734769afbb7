using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;

namespace LegalBot.Knowledge.Embeddings;

/// <summary>
/// Embeddings keyed by the SHA-256 of model + text, so unchanged chunks are never sent to the endpoint again —
/// across edits and, when a file is given, across restarts. The file is rewritten whole to a temporary name
/// and renamed over the old one; an unreadable file is ignored (everything is re-embedded).
/// </summary>
public sealed class EmbeddingCache : IDisposable
{
    private static readonly byte[] Magic = "LBEMB1\n"u8.ToArray();
    private readonly ConcurrentDictionary<string, float[]> _vectors = new(StringComparer.Ordinal);
    private readonly string? _path;
    private readonly string _model;
    private readonly SemaphoreSlim _saveLock = new(1, 1);
    private int _unsaved;

    private EmbeddingCache(string model, string? path)
    {
        _model = model;
        _path = path;
    }

    public int Count => _vectors.Count;

    public static EmbeddingCache InMemory(string model) => new(model, null);

    /// <summary>Opens (or starts) the cache file for <paramref name="model"/> under <paramref name="directory"/>.</summary>
    public static async Task<EmbeddingCache> OpenAsync(string model, string directory, CancellationToken cancellationToken)
    {
        var name = "embeddings-" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(model)))[..12] + ".bin";
        var cache = new EmbeddingCache(model, Path.Combine(directory, name));
        if (!File.Exists(cache._path)) return cache;
        try
        {
            var bytes = await File.ReadAllBytesAsync(cache._path, cancellationToken).ConfigureAwait(false);
            cache.Load(bytes);
        }
        catch (Exception ex) when (ex is IOException or InvalidDataException or ArgumentException)
        {
            cache._vectors.Clear();
        }
        return cache;
    }

    public string Key(string text) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(_model + "\n" + text)));

    public bool TryGet(string key, out float[] vector) => _vectors.TryGetValue(key, out vector!);

    public void Add(string key, float[] vector)
    {
        if (_vectors.TryAdd(key, vector)) Interlocked.Increment(ref _unsaved);
    }

    /// <summary>Writes the cache if anything was added since the last save.</summary>
    public async Task SaveAsync(CancellationToken cancellationToken)
    {
        if (_path is null || Volatile.Read(ref _unsaved) == 0) return;
        await _saveLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            Interlocked.Exchange(ref _unsaved, 0);
            Directory.CreateDirectory(Path.GetDirectoryName(_path)!);
            var temp = _path + ".tmp-" + Environment.ProcessId;
            await using (var stream = new FileStream(temp, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16, FileOptions.Asynchronous))
            {
                await stream.WriteAsync(Serialize(), cancellationToken).ConfigureAwait(false);
                stream.Flush(flushToDisk: true);
            }
            File.Move(temp, _path, overwrite: true);
        }
        finally
        {
            _saveLock.Release();
        }
    }

    public void Dispose() => _saveLock.Dispose();

    private byte[] Serialize()
    {
        using var ms = new MemoryStream();
        using var w = new BinaryWriter(ms, Encoding.UTF8);
        w.Write(Magic);
        w.Write(_model);
        var entries = _vectors.ToArray();
        w.Write(entries.Length);
        foreach (var (key, vector) in entries)
        {
            w.Write(key);
            w.Write(vector.Length);
            foreach (var x in vector) w.Write(x);
        }
        w.Flush();
        return ms.ToArray();
    }

    private void Load(byte[] bytes)
    {
        using var r = new BinaryReader(new MemoryStream(bytes), Encoding.UTF8);
        if (!r.ReadBytes(Magic.Length).AsSpan().SequenceEqual(Magic)) throw new InvalidDataException("not an embedding cache");
        if (r.ReadString() != _model) throw new InvalidDataException("cache of another model");
        var count = r.ReadInt32();
        for (var i = 0; i < count; i++)
        {
            var key = r.ReadString();
            var length = r.ReadInt32();
            if (length is <= 0 or > 65536) throw new InvalidDataException("bad vector length");
            var vector = new float[length];
            for (var k = 0; k < length; k++) vector[k] = r.ReadSingle();
            _vectors[key] = vector;
        }
    }
}
