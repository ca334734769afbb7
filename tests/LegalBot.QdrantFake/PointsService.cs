using Grpc.Core;
using Qdrant.Client.Grpc;

namespace LegalBot.QdrantFake;

/// <summary>The Points service: upsert, delete, set payload, batches of those, payload indexes, scroll and query.</summary>
internal sealed class PointsService(FakeStore store) : Points.PointsBase
{
    private static UpdateResult Completed() => new() { OperationId = 1, Status = UpdateStatus.Completed };

    private static PointsOperationResponse Done() => new() { Result = Completed(), Time = 0.0001 };

    public override Task<PointsOperationResponse> Upsert(UpsertPoints request, ServerCallContext context)
    {
        lock (store.Gate)
        {
            if (request.UpdateFilter is not null) throw Unmodelled("conditional upserts (update_filter)");
            Upsert(store.Require(request.CollectionName), request.Points);
            return Task.FromResult(Done());
        }
    }

    public override Task<PointsOperationResponse> Delete(DeletePoints request, ServerCallContext context)
    {
        lock (store.Gate)
        {
            Delete(store.Require(request.CollectionName), request.Points);
            return Task.FromResult(Done());
        }
    }

    public override Task<PointsOperationResponse> SetPayload(SetPayloadPoints request, ServerCallContext context)
    {
        lock (store.Gate)
        {
            if (request.HasKey) throw Unmodelled("set_payload with a nested key");
            SetPayload(store.Require(request.CollectionName), request.Payload, request.PointsSelector);
            return Task.FromResult(Done());
        }
    }

    public override Task<UpdateBatchResponse> UpdateBatch(UpdateBatchPoints request, ServerCallContext context)
    {
        lock (store.Gate)
        {
            var c = store.Require(request.CollectionName);
            // An operation the fake does not model is refused before anything is applied.
            foreach (var op in request.Operations)
            {
                if (op.OperationCase is not (PointsUpdateOperation.OperationOneofCase.Upsert or PointsUpdateOperation.OperationOneofCase.SetPayload
                    or PointsUpdateOperation.OperationOneofCase.DeletePoints))
                {
                    throw Unmodelled("batch operation " + op.OperationCase);
                }
            }
            var response = new UpdateBatchResponse { Time = 0.0001 };
            foreach (var op in request.Operations)
            {
                switch (op.OperationCase)
                {
                    case PointsUpdateOperation.OperationOneofCase.Upsert:
                        Upsert(c, op.Upsert.Points);
                        break;
                    case PointsUpdateOperation.OperationOneofCase.SetPayload:
                        if (op.SetPayload.HasKey) throw Unmodelled("set_payload with a nested key");
                        SetPayload(c, op.SetPayload.Payload, op.SetPayload.PointsSelector);
                        break;
                    case PointsUpdateOperation.OperationOneofCase.DeletePoints:
                        Delete(c, op.DeletePoints.Points);
                        break;
                }
                response.Result.Add(Completed());
            }
            return Task.FromResult(response);
        }
    }

    public override Task<PointsOperationResponse> CreateFieldIndex(CreateFieldIndexCollection request, ServerCallContext context)
    {
        lock (store.Gate)
        {
            var c = store.Require(request.CollectionName);
            if (!request.HasFieldType) throw FakeStore.Invalid($"field type of index {request.FieldName} is missing");
            // FieldType.Keyword ↔ PayloadSchemaType.Keyword, and so on (the same names in both enums).
            var type = Enum.Parse<PayloadSchemaType>(request.FieldType.ToString());
            c.PayloadIndexes[request.FieldName] = type;
            return Task.FromResult(Done());
        }
    }

    public override Task<ScrollResponse> Scroll(ScrollPoints request, ServerCallContext context)
    {
        lock (store.Gate)
        {
            var c = store.Require(request.CollectionName);
            if (request.OrderBy is not null) throw Unmodelled("scroll order_by");
            var limit = request.HasLimit ? (int)request.Limit : 10;
            var offset = request.Offset is null ? null : FakeStore.KeyOf(request.Offset);
            var matching = c.Points.Values
                .Where(p => offset is null || string.CompareOrdinal(p.Key, offset) >= 0)
                .Where(p => PayloadFilter.Matches(p, request.Filter))
                .Take(limit + 1).ToList();
            var response = new ScrollResponse { Time = 0.0001 };
            response.Result.Add(matching.Take(limit).Select(p => new RetrievedPoint
            {
                Id = p.Id.Clone(),
                Payload = { PayloadFilter.Select(p.Payload, request.WithPayload) },
            }));
            if (matching.Count > limit) response.NextPageOffset = matching[limit].Id.Clone();
            return Task.FromResult(response);
        }
    }

    public override Task<CountResponse> Count(CountPoints request, ServerCallContext context)
    {
        lock (store.Gate)
        {
            var c = store.Require(request.CollectionName);
            var count = (ulong)c.Points.Values.Count(p => PayloadFilter.Matches(p, request.Filter));
            return Task.FromResult(new CountResponse { Result = new CountResult { Count = count }, Time = 0.0001 });
        }
    }

    public override Task<QueryResponse> Query(QueryPoints request, ServerCallContext context)
    {
        lock (store.Gate)
        {
            var c = store.Require(request.CollectionName);
            if (request.HasOffset && request.Offset > 0) throw Unmodelled("query offset");
            if (request.HasScoreThreshold) throw Unmodelled("score_threshold");
            var ranked = Ranking.Run(c, request.Query, request.Prefetch, request.HasUsing ? request.Using : null, request.Filter, request.HasLimit ? request.Limit : null);
            var response = new QueryResponse { Time = 0.0001 };
            response.Result.Add(ranked.Select(r => new ScoredPoint
            {
                Id = r.Point.Id.Clone(),
                Score = r.Score,
                Version = 0,
                Payload = { PayloadFilter.Select(r.Point.Payload, request.WithPayload) },
            }));
            return Task.FromResult(response);
        }
    }

    private static void Upsert(StoredCollection c, IEnumerable<PointStruct> points)
    {
        // Validate all first: Qdrant refuses the whole request on one bad point.
        var stored = points.Select(p => ToStored(c, p)).ToList();
        foreach (var p in stored) c.Points[p.Key] = p;
    }

    // Older clients send vectors in Vector's deprecated data/indices fields; Qdrant still reads them, so does the fake.
#pragma warning disable CS0612
    private static StoredPoint ToStored(StoredCollection c, PointStruct p)
    {
        var key = FakeStore.KeyOf(p.Id);
        var sparse = new Dictionary<string, Dictionary<uint, float>>(StringComparer.Ordinal);
        var dense = new Dictionary<string, float[]>(StringComparer.Ordinal);
        var named = p.Vectors?.VectorsOptionsCase switch
        {
            Vectors.VectorsOptionsOneofCase.Vectors_ => p.Vectors.Vectors_.Vectors.ToDictionary(kv => kv.Key, kv => kv.Value),
            Vectors.VectorsOptionsOneofCase.Vector => new Dictionary<string, Vector> { [""] = p.Vectors.Vector },
            _ => [],
        };
        foreach (var (name, v) in named)
        {
            if (v.VectorCase == Vector.VectorOneofCase.Sparse || (v.VectorCase == Vector.VectorOneofCase.None && v.Indices is not null))
            {
                if (!c.SparseParams.ContainsKey(name)) throw FakeStore.Invalid($"Not existing vector name error: {name}");
                var indices = v.VectorCase == Vector.VectorOneofCase.Sparse ? v.Sparse.Indices : v.Indices.Data;
                var values = v.VectorCase == Vector.VectorOneofCase.Sparse ? v.Sparse.Values : v.Data;
                if (indices.Count != values.Count) throw FakeStore.Invalid("sparse vector indices and values differ in length");
                if (indices.Distinct().Count() != indices.Count) throw FakeStore.Invalid("sparse vector indices must be unique");
                sparse[name] = indices.Zip(values).ToDictionary(x => x.First, x => x.Second);
            }
            else if (v.VectorCase == Vector.VectorOneofCase.Dense || v.VectorCase == Vector.VectorOneofCase.None)
            {
                if (!c.DenseParams.TryGetValue(name, out var config)) throw FakeStore.Invalid($"Not existing vector name error: {name}");
                var data = (v.VectorCase == Vector.VectorOneofCase.Dense ? v.Dense.Data : v.Data).ToArray();
                if ((ulong)data.Length != config.Size) throw FakeStore.Invalid($"Vector dimension error: expected dim: {config.Size}, got {data.Length}");
                // Cosine: Qdrant stores vectors normalised.
                var norm = MathF.Sqrt(data.Sum(x => x * x));
                dense[name] = norm > 0 ? data.Select(x => x / norm).ToArray() : data;
            }
            else
            {
                throw Unmodelled("vector kind " + v.VectorCase);
            }
        }
        foreach (var name in c.DenseParams.Keys)
        {
            if (!dense.ContainsKey(name)) throw FakeStore.Invalid($"Vector {name} is missing");
        }
        return new StoredPoint(key, FakeStore.IdOf(key), sparse, dense, p.Payload.Clone());
    }
#pragma warning restore CS0612

    private static void Delete(StoredCollection c, PointsSelector selector)
    {
        foreach (var key in Selected(c, selector).Select(p => p.Key).ToList()) c.Points.Remove(key);
    }

    private static void SetPayload(StoredCollection c, Google.Protobuf.Collections.MapField<string, Value> payload, PointsSelector? selector)
    {
        if (selector is null) throw FakeStore.Invalid("set_payload needs points or a filter");
        foreach (var p in Selected(c, selector))
        {
            foreach (var (k, v) in payload) p.Payload[k] = v.Clone();
        }
    }

    private static List<StoredPoint> Selected(StoredCollection c, PointsSelector selector) => selector.PointsSelectorOneOfCase switch
    {
        PointsSelector.PointsSelectorOneOfOneofCase.Points =>
            selector.Points.Ids.Select(FakeStore.KeyOf).Select(k => c.Points.GetValueOrDefault(k)).OfType<StoredPoint>().ToList(),
        PointsSelector.PointsSelectorOneOfOneofCase.Filter => c.Points.Values.Where(p => PayloadFilter.Matches(p, selector.Filter)).ToList(),
        _ => throw FakeStore.Invalid("points selector is empty"),
    };

    private static RpcException Unmodelled(string what) => new(new Status(StatusCode.Unimplemented, "the Qdrant fake does not model " + what));
}
