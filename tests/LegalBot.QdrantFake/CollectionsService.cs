using Grpc.Core;
using Qdrant.Client.Grpc;

namespace LegalBot.QdrantFake;

/// <summary>The Collections service: create, info, metadata update, delete, payload index info and aliases (atomic changes).</summary>
internal sealed class CollectionsService(FakeStore store) : Collections.CollectionsBase
{
    public override Task<CollectionOperationResponse> Create(CreateCollection request, ServerCallContext context)
    {
        lock (store.Gate)
        {
            var name = request.CollectionName;
            if (string.IsNullOrEmpty(name)) throw FakeStore.Invalid("collection name must not be empty");
            if (store.Collections.ContainsKey(name) || store.Aliases.ContainsKey(name)) throw FakeStore.Invalid($"Collection `{name}` already exists!");
            var dense = request.VectorsConfig?.ParamsMap?.Map;
            foreach (var vector in request.SparseVectorsConfig?.Map.Keys ?? [])
            {
                if (dense?.ContainsKey(vector) == true) throw FakeStore.Invalid($"vector name {vector} is both dense and sparse");
            }
            foreach (var (vector, p) in request.VectorsConfig?.ParamsMap?.Map ?? [])
            {
                if (p.Size == 0) throw FakeStore.Invalid($"vector {vector}: size must be positive");
            }
            store.Collections[name] = new StoredCollection(request.Clone());
            return Task.FromResult(new CollectionOperationResponse { Result = true, Time = 0.0001 });
        }
    }

    public override Task<GetCollectionInfoResponse> Get(GetCollectionInfoRequest request, ServerCallContext context)
    {
        lock (store.Gate)
        {
            var c = store.Require(request.CollectionName);
            var config = c.Config;
            var info = new CollectionInfo
            {
                Status = CollectionStatus.Green,
                OptimizerStatus = new OptimizerStatus { Ok = true },
                SegmentsCount = 1,
                PointsCount = (ulong)c.Points.Count,
                IndexedVectorsCount = 0,
                Config = new CollectionConfig
                {
                    Params = new CollectionParams
                    {
                        ShardNumber = config.HasShardNumber ? config.ShardNumber : 1,
                        ReplicationFactor = config.HasReplicationFactor ? config.ReplicationFactor : 1,
                        WriteConsistencyFactor = 1,
                        VectorsConfig = config.VectorsConfig?.Clone() ?? new VectorsConfig { ParamsMap = new VectorParamsMap() },
                        SparseVectorsConfig = config.SparseVectorsConfig?.Clone(),
                    },
                    HnswConfig = new HnswConfigDiff { M = 16, EfConstruct = 100, FullScanThreshold = 10000 },
                    OptimizerConfig = new OptimizersConfigDiff { DefaultSegmentNumber = 0, FlushIntervalSec = 5 },
                    WalConfig = new WalConfigDiff { WalCapacityMb = 32, WalSegmentsAhead = 0 },
                    Metadata = { c.Metadata.Clone() },
                },
            };
            foreach (var (field, type) in c.PayloadIndexes)
            {
                info.PayloadSchema[field] = new PayloadSchemaInfo
                {
                    DataType = type,
                    Points = (ulong)c.Points.Values.Count(p => p.Payload.ContainsKey(field)),
                };
            }
            return Task.FromResult(new GetCollectionInfoResponse { Result = info, Time = 0.0001 });
        }
    }

    public override Task<CollectionExistsResponse> CollectionExists(CollectionExistsRequest request, ServerCallContext context)
    {
        lock (store.Gate)
        {
            return Task.FromResult(new CollectionExistsResponse
            {
                Result = new CollectionExists { Exists = store.Resolve(request.CollectionName) is not null },
                Time = 0.0001,
            });
        }
    }

    public override Task<CollectionOperationResponse> Update(UpdateCollection request, ServerCallContext context)
    {
        lock (store.Gate)
        {
            var c = store.Require(request.CollectionName);
            if (request.Params is not null || request.VectorsConfig is not null || request.SparseVectorsConfig is not null
                || request.HnswConfig is not null || request.OptimizersConfig is not null || request.QuantizationConfig is not null)
            {
                throw new RpcException(new Status(StatusCode.Unimplemented, "the Qdrant fake updates collection metadata only"));
            }
            // Metadata keys are merged: a key sent replaces that key, others stay.
            foreach (var (k, v) in request.Metadata) c.Metadata[k] = v.Clone();
            return Task.FromResult(new CollectionOperationResponse { Result = true, Time = 0.0001 });
        }
    }

    public override Task<CollectionOperationResponse> Delete(DeleteCollection request, ServerCallContext context)
    {
        lock (store.Gate)
        {
            var name = store.Aliases.GetValueOrDefault(request.CollectionName) ?? request.CollectionName;
            var removed = store.Collections.Remove(name);
            foreach (var alias in store.Aliases.Where(a => a.Value == name).Select(a => a.Key).ToList()) store.Aliases.Remove(alias);
            return Task.FromResult(new CollectionOperationResponse { Result = removed, Time = 0.0001 });
        }
    }

    public override Task<CollectionOperationResponse> UpdateAliases(ChangeAliases request, ServerCallContext context)
    {
        lock (store.Gate)
        {
            // All actions apply together, or none.
            var next = new Dictionary<string, string>(store.Aliases, StringComparer.Ordinal);
            foreach (var action in request.Actions)
            {
                switch (action.ActionCase)
                {
                    case AliasOperations.ActionOneofCase.CreateAlias:
                        var target = action.CreateAlias.CollectionName;
                        if (!store.Collections.ContainsKey(target))
                            throw new RpcException(new Status(StatusCode.NotFound, $"Not found: Collection `{target}` doesn't exist!"));
                        var alias = action.CreateAlias.AliasName;
                        if (next.ContainsKey(alias) || store.Collections.ContainsKey(alias)) throw FakeStore.Invalid($"Alias `{alias}` already exists!");
                        next[alias] = target;
                        break;
                    case AliasOperations.ActionOneofCase.DeleteAlias:
                        if (!next.Remove(action.DeleteAlias.AliasName))
                            throw new RpcException(new Status(StatusCode.NotFound, $"Not found: Alias {action.DeleteAlias.AliasName} does not exists!"));
                        break;
                    case AliasOperations.ActionOneofCase.RenameAlias:
                        if (!next.Remove(action.RenameAlias.OldAliasName, out var renamed))
                            throw new RpcException(new Status(StatusCode.NotFound, $"Not found: Alias {action.RenameAlias.OldAliasName} does not exists!"));
                        next[action.RenameAlias.NewAliasName] = renamed;
                        break;
                    default:
                        throw FakeStore.Invalid("empty alias action");
                }
            }
            store.Aliases.Clear();
            foreach (var (k, v) in next) store.Aliases[k] = v;
            return Task.FromResult(new CollectionOperationResponse { Result = true, Time = 0.0001 });
        }
    }

    public override Task<ListAliasesResponse> ListAliases(ListAliasesRequest request, ServerCallContext context)
    {
        lock (store.Gate)
        {
            var response = new ListAliasesResponse { Time = 0.0001 };
            response.Aliases.Add(store.Aliases.Select(a => new AliasDescription { AliasName = a.Key, CollectionName = a.Value }));
            return Task.FromResult(response);
        }
    }

    public override Task<ListAliasesResponse> ListCollectionAliases(ListCollectionAliasesRequest request, ServerCallContext context)
    {
        lock (store.Gate)
        {
            store.Require(request.CollectionName);
            var response = new ListAliasesResponse { Time = 0.0001 };
            response.Aliases.Add(store.Aliases.Where(a => a.Value == request.CollectionName)
                .Select(a => new AliasDescription { AliasName = a.Key, CollectionName = a.Value }));
            return Task.FromResult(response);
        }
    }

    public override Task<ListCollectionsResponse> List(ListCollectionsRequest request, ServerCallContext context)
    {
        lock (store.Gate)
        {
            var response = new ListCollectionsResponse { Time = 0.0001 };
            response.Collections.Add(store.Collections.Keys.Select(n => new CollectionDescription { Name = n }));
            return Task.FromResult(response);
        }
    }
}
