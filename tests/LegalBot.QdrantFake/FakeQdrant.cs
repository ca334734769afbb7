using System.Collections.Concurrent;
using Google.Protobuf;
using Grpc.Core;
using Grpc.Core.Interceptors;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Qdrant.Client.Grpc;

namespace LegalBot.QdrantFake;

/// <summary>
/// A local stand-in for a Qdrant server: the Collections and Points gRPC services generated from Qdrant's own
/// .proto files (../shared/contracts/qdrant-grpc), served by Grpc.AspNetCore over real HTTP/2 (h2c on a free
/// loopback port), so every request is a real protobuf message of Qdrant's API. It implements what LegalBot uses
/// with Qdrant's documented semantics — named sparse vectors with the IDF modifier, cosine dense vectors,
/// payload filters, scroll paging, the Query API with prefetch and RRF fusion, aliases, collection metadata and
/// payload indexes — and refuses (Unimplemented) what it does not model, recording that in <see cref="Violations"/>.
/// Failures are injected on the client side (under the gRPC channel), so the same tests also run against a live Qdrant.
/// </summary>
public sealed class FakeQdrant : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly FakeStore _store;
    private readonly CallLog _log;

    private FakeQdrant(WebApplication app, FakeStore store, CallLog log, Uri url)
    {
        _app = app;
        _store = store;
        _log = log;
        Url = url;
    }

    /// <summary>The gRPC endpoint, e.g. http://127.0.0.1:41234/.</summary>
    public Uri Url { get; }

    /// <summary>Requests the fake could not serve faithfully (unmodelled features, bugs of the fake).</summary>
    public IReadOnlyList<string> Violations => [.. _log.Violations];

    /// <summary>Every call as service/method and the collection it names, e.g. "Points/Upsert kb", in arrival order.</summary>
    public IReadOnlyList<string> Requests => [.. _log.Requests];

    public IReadOnlyCollection<string> CollectionNames { get { lock (_store.Gate) return [.. _store.Collections.Keys]; } }

    public string? AliasTarget(string alias) { lock (_store.Gate) return _store.Aliases.GetValueOrDefault(alias); }

    public int PointCount(string name) { lock (_store.Gate) return _store.Resolve(name)?.Points.Count ?? 0; }

    /// <summary>Payload indexes of a collection (field → Qdrant's schema type name, e.g. "Keyword").</summary>
    public IReadOnlyDictionary<string, string> PayloadIndexes(string name)
    {
        lock (_store.Gate) return _store.Resolve(name)?.PayloadIndexes.ToDictionary(kv => kv.Key, kv => kv.Value.ToString()) ?? [];
    }

    public static async Task<FakeQdrant> StartAsync(string? apiKey = null)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        // gRPC without TLS needs HTTP/2 with prior knowledge (h2c), as Qdrant's port 6334 speaks it.
        builder.WebHost.ConfigureKestrel(k => k.ConfigureEndpointDefaults(o => o.Protocols = HttpProtocols.Http2));
        var store = new FakeStore();
        var log = new CallLog(apiKey);
        builder.Services.AddSingleton(store);
        builder.Services.AddSingleton(log);
        builder.Services.AddGrpc(o =>
        {
            o.Interceptors.Add<Gatekeeper>();
            o.EnableDetailedErrors = true;
        });
        var app = builder.Build();
        app.MapGrpcService<CollectionsService>();
        app.MapGrpcService<PointsService>();
        await app.StartAsync();
        return new FakeQdrant(app, store, log, new Uri(app.Urls.First()));
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}

/// <summary>The API key the fake demands and what it saw, shared by the interceptor and the test.</summary>
internal sealed class CallLog(string? apiKey)
{
    public string? ApiKey { get; } = apiKey;
    public ConcurrentQueue<string> Violations { get; } = new();
    public ConcurrentQueue<string> Requests { get; } = new();
}

/// <summary>Checks the api-key header as Qdrant does, logs calls and records what the fake refused.</summary>
internal sealed class Gatekeeper(CallLog log) : Interceptor
{
    public override async Task<TResponse> UnaryServerHandler<TRequest, TResponse>(TRequest request, ServerCallContext context,
        UnaryServerMethod<TRequest, TResponse> continuation)
    {
        // "/qdrant.Points/Upsert" → "Points/Upsert"
        var method = context.Method.TrimStart('/').Replace("qdrant.", "", StringComparison.Ordinal);
        var collection = (request as IMessage)?.Descriptor.FindFieldByName("collection_name")?.Accessor.GetValue((IMessage)request) as string;
        log.Requests.Enqueue(collection is null ? method : $"{method} {collection}");
        if (log.ApiKey is not null)
        {
            var key = context.RequestHeaders.GetValue("api-key");
            if (key is null) throw new RpcException(new Status(StatusCode.Unauthenticated, "Must provide an API key or an Authorization bearer token"));
            if (key != log.ApiKey) throw new RpcException(new Status(StatusCode.PermissionDenied, "Invalid API key or JWT"));
        }
        try
        {
            return await continuation(request, context);
        }
        catch (RpcException ex) when (ex.StatusCode == StatusCode.Unimplemented)
        {
            log.Violations.Enqueue($"{method}: {ex.Status.Detail}");
            throw;
        }
        catch (Exception ex) when (ex is not RpcException and not OperationCanceledException)
        {
            // A bug in the fake must show up in the failing test, not as a bare Unknown status.
            log.Violations.Enqueue($"{method}: fake failed: {ex}");
            throw new RpcException(new Status(StatusCode.Internal, "fake failed: " + ex.Message));
        }
    }
}
