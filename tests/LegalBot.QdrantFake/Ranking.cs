using Qdrant.Client.Grpc;

namespace LegalBot.QdrantFake;

/// <summary>
/// The Query API as Qdrant computes it: nearest by a named sparse vector (dot product; with the IDF
/// modifier each query weight is multiplied by idf = ln(1 + (N − n + 0.5)/(n + 0.5)), N the points holding the
/// vector, n those holding the term), nearest by a named dense vector (cosine), and RRF over prefetches
/// (score = Σ 1/(k + rank), rank from 1, k = 2 unless given). Ties break by id.
/// </summary>
internal static class Ranking
{
    private const uint DefaultRrfK = 2;
    private const ulong DefaultLimit = 10;

    public static List<(StoredPoint Point, float Score)> Run(StoredCollection c, Query? query, IReadOnlyList<PrefetchQuery> prefetch,
        string? usingVector, Filter? filter, ulong? limit)
    {
        var take = (int)Math.Min(limit ?? DefaultLimit, int.MaxValue);
        if (prefetch.Count > 0)
        {
            var k = query?.VariantCase switch
            {
                Query.VariantOneofCase.Rrf => query.Rrf.HasK ? query.Rrf.K : DefaultRrfK,
                Query.VariantOneofCase.Fusion when query.Fusion == Fusion.Rrf => DefaultRrfK,
                _ => throw new Grpc.Core.RpcException(new Grpc.Core.Status(Grpc.Core.StatusCode.Unimplemented, "the Qdrant fake fuses prefetches only by RRF")),
            };
            if (query.VariantCase == Query.VariantOneofCase.Rrf && query.Rrf.Weights.Count > 0) throw FakeStore.Invalid("the fake does not model weighted RRF");
            var fused = new Dictionary<string, (StoredPoint Point, double Score)>(StringComparer.Ordinal);
            foreach (var p in prefetch)
            {
                var list = Run(c, p.Query, p.Prefetch, p.HasUsing ? p.Using : null, p.Filter, p.HasLimit ? p.Limit : null);
                for (var rank = 1; rank <= list.Count; rank++)
                {
                    var point = list[rank - 1].Point;
                    fused[point.Key] = (point, fused.GetValueOrDefault(point.Key).Score + 1.0 / (k + rank));
                }
            }
            return fused.Values.Where(v => PayloadFilter.Matches(v.Point, filter))
                .OrderByDescending(v => v.Score).ThenBy(v => v.Point.Key, StringComparer.Ordinal)
                .Take(take).Select(v => (v.Point, (float)v.Score)).ToList();
        }
        if (query?.VariantCase != Query.VariantOneofCase.Nearest) throw FakeStore.Invalid("the fake answers nearest queries and RRF over prefetches");
        var name = usingVector ?? "";
        var candidates = c.Points.Values.Where(p => PayloadFilter.Matches(p, filter));
        return query.Nearest.VariantCase switch
        {
            VectorInput.VariantOneofCase.Sparse => Sparse(c, name, query.Nearest.Sparse, candidates, take),
            VectorInput.VariantOneofCase.Dense => Dense(c, name, query.Nearest.Dense.Data.ToArray(), candidates, take),
            var other => throw FakeStore.Invalid($"the fake does not model nearest by {other}"),
        };
    }

    private static List<(StoredPoint, float)> Sparse(StoredCollection c, string name, SparseVector query, IEnumerable<StoredPoint> candidates, int take)
    {
        if (!c.SparseParams.TryGetValue(name, out var config)) throw FakeStore.Invalid($"Not existing vector name error: {name}");
        if (query.Indices.Count != query.Values.Count) throw FakeStore.Invalid("sparse vector indices and values differ in length");
        var idfOn = config.HasModifier && config.Modifier == Modifier.Idf;
        var holders = c.Points.Values.Where(p => p.Sparse.ContainsKey(name)).Select(p => p.Sparse[name]).ToList();
        var weights = new Dictionary<uint, float>();
        for (var i = 0; i < query.Indices.Count; i++)
        {
            var term = query.Indices[i];
            var n = holders.Count(h => h.ContainsKey(term));
            var idf = idfOn ? (float)Math.Log(1 + (holders.Count - n + 0.5) / (n + 0.5)) : 1f;
            weights[term] = weights.GetValueOrDefault(term) + query.Values[i] * idf;
        }
        return candidates.Where(p => p.Sparse.TryGetValue(name, out var v) && weights.Keys.Any(v.ContainsKey))
            .Select(p => (Point: p, Score: weights.Sum(w => p.Sparse[name].TryGetValue(w.Key, out var d) ? w.Value * d : 0f)))
            .OrderByDescending(x => x.Score).ThenBy(x => x.Point.Key, StringComparer.Ordinal).Take(take).ToList();
    }

    private static List<(StoredPoint, float)> Dense(StoredCollection c, string name, float[] query, IEnumerable<StoredPoint> candidates, int take)
    {
        if (!c.DenseParams.TryGetValue(name, out var config)) throw FakeStore.Invalid($"Not existing vector name error: {name}");
        if ((ulong)query.Length != config.Size) throw FakeStore.Invalid($"Vector dimension error: expected dim: {config.Size}, got {query.Length}");
        if (config.Distance != Distance.Cosine) throw FakeStore.Invalid("the fake models cosine distance only");
        var norm = MathF.Sqrt(query.Sum(x => x * x));
        return candidates.Where(p => p.Dense.ContainsKey(name))
            .Select(p => (Point: p, Score: p.Dense[name].Zip(query).Sum(z => z.First * z.Second) / norm))
            .OrderByDescending(x => x.Score).ThenBy(x => x.Point.Key, StringComparer.Ordinal).Take(take).ToList();
    }
}
