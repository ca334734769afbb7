using System.Text;
using Qdrant.Client.Grpc;

namespace LegalBot.Knowledge.Index.Qdrant;

/// <summary>
/// Qdrant's sparse vectors are indexed by uint32, the embedded index by term string: a term's index is the
/// 32-bit FNV-1a hash of its UTF-8 bytes. Two terms can share an index (about one pair among 10⁵ terms,
/// both rare n-grams); their weights then add up, the only way the two backends' scores can differ.
/// </summary>
internal static class SparseTermIds
{
    public static uint Of(string term)
    {
        var hash = 2166136261u;
        Span<byte> buffer = stackalloc byte[64];
        var bytes = Encoding.UTF8.GetByteCount(term) <= buffer.Length ? buffer[..Encoding.UTF8.GetBytes(term, buffer)] : Encoding.UTF8.GetBytes(term);
        foreach (var b in bytes)
        {
            hash ^= b;
            hash *= 16777619u;
        }
        return hash;
    }

    /// <summary>term → weight as a Qdrant sparse vector (indices unique and ascending; colliding terms add up).</summary>
    public static SparseVector Vector(IEnumerable<KeyValuePair<string, float>> terms)
    {
        var merged = new SortedDictionary<uint, float>();
        foreach (var (term, weight) in terms)
        {
            var id = Of(term);
            merged[id] = merged.GetValueOrDefault(id) + weight;
        }
        return new SparseVector { Indices = { merged.Keys }, Values = { merged.Values } };
    }
}
