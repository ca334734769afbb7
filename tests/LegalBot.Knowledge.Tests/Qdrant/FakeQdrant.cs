using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace LegalBot.Knowledge.Tests.Qdrant;

/// <summary>
/// A local stand-in for a Qdrant server over real HTTP, implementing the part of the REST API LegalBot uses
/// with Qdrant's documented semantics: named sparse vectors with the IDF modifier
/// (idf = ln(1 + (N − n + 0.5)/(n + 0.5)) over the points holding the vector), cosine dense vectors, payload
/// filters (must / should / must_not, match value/any, is_empty, has_id), scroll paging, the Query API with
/// prefetch and RRF, aliases and collection metadata.
/// Every request body is validated against the OpenAPI spec first: an invalid body gets Qdrant's 400 and is
/// recorded in <see cref="Violations"/>; every response body is validated too (the fake must speak the spec).
/// </summary>
public sealed partial class FakeQdrant : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly Lock _gate = new();
    private readonly Dictionary<string, Collection> _collections = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _aliases = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<string> _violations = new();
    private readonly ConcurrentQueue<string> _requests = new();
    private int _failures;
    private int _failureStatus;

    private sealed class Collection(JsonObject config)
    {
        public JsonObject Config { get; } = config;
        public JsonObject Metadata { get; set; } = config["metadata"] as JsonObject ?? [];
        public SortedDictionary<string, Point> Points { get; } = new(StringComparer.Ordinal);
        public JsonObject PayloadSchema { get; } = [];
    }

    private sealed record Point(string Id, Dictionary<uint, float>? Sparse, float[]? Dense, JsonObject Payload);

    private FakeQdrant(WebApplication app, string? apiKey)
    {
        _app = app;
        ApiKey = apiKey;
    }

    public string? ApiKey { get; }
    public Uri Url { get; private set; } = null!;
    public IReadOnlyList<string> Violations => [.. _violations];
    public IReadOnlyList<string> Requests => [.. _requests];
    public IReadOnlyCollection<string> CollectionNames { get { lock (_gate) return [.. _collections.Keys]; } }
    public string? AliasTarget(string alias) { lock (_gate) return _aliases.GetValueOrDefault(alias); }

    /// <summary>The next <paramref name="count"/> requests answer <paramref name="status"/> (a server in trouble).</summary>
    public void FailNext(int count, int status = 503)
    {
        _failureStatus = status;
        Volatile.Write(ref _failures, count);
    }

    /// <summary>The next <paramref name="count"/> requests whose path contains <paramref name="pathPart"/> answer <paramref name="status"/>.</summary>
    public void FailPath(string pathPart, int count, int status = 500)
    {
        lock (_gate) _pathFailures = (pathPart, count, status);
    }

    private (string Part, int Count, int Status)? _pathFailures;

    private bool ShouldFail(string path, out int status)
    {
        lock (_gate)
        {
            status = 0;
            if (_pathFailures is not { } f || f.Count <= 0 || !path.Contains(f.Part, StringComparison.Ordinal)) return false;
            _pathFailures = f with { Count = f.Count - 1 };
            status = f.Status;
            return true;
        }
    }

    public int PointCount(string name) { lock (_gate) return Resolve(name)?.Points.Count ?? 0; }

    /// <summary>Points still hidden (<c>live: false</c>) — leftovers of an interrupted update.</summary>
    public int HiddenPointCount(string name)
    {
        lock (_gate) return Resolve(name)?.Points.Values.Count(p => p.Payload["live"]?.GetValue<bool>() == false) ?? 0;
    }

    /// <summary>Changes a collection's metadata behind LegalBot's back (to test schema checks).</summary>
    public void SetMetadata(string name, string key, JsonNode? value)
    {
        lock (_gate) Resolve(name)!.Metadata[key] = value;
    }

    public static async Task<FakeQdrant> StartAsync(string? apiKey = null)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        var fake = new FakeQdrant(app, apiKey);
        app.Run(fake.HandleAsync);
        await app.StartAsync();
        fake.Url = new Uri(app.Urls.First());
        return fake;
    }

    private async Task HandleAsync(HttpContext context)
    {
        try
        {
            await HandleCoreAsync(context);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // A bug in the fake (or the contract loader) must show up in the failing test, not as a bare 500.
            _violations.Enqueue("fake failed: " + ex);
            await WriteAsync(context, 500, Error("fake failed: " + ex.Message), null);
        }
    }

    private async Task HandleCoreAsync(HttpContext context)
    {
        var method = context.Request.Method;
        var path = context.Request.Path.Value ?? "/";
        _requests.Enqueue($"{method} {path}");
        if (ApiKey is not null && context.Request.Headers["api-key"] != ApiKey)
        {
            await WriteAsync(context, 401, Error("Must provide an API key or an Authorization bearer token"), null);
            return;
        }
        if (Interlocked.Decrement(ref _failures) >= 0)
        {
            await WriteAsync(context, _failureStatus, Error("Service unavailable (injected)"), null);
            return;
        }
        if (ShouldFail(path, out var injected))
        {
            await WriteAsync(context, injected, Error("Service internal error (injected)"), null);
            return;
        }
        JsonNode? body = null;
        if (context.Request.ContentLength is > 0 || context.Request.Headers.TransferEncoding.Count > 0)
        {
            try
            {
                body = await JsonNode.ParseAsync(context.Request.Body);
            }
            catch (JsonException ex)
            {
                await WriteAsync(context, 400, Error("Format error in JSON body: " + ex.Message), null);
                return;
            }
            var problems = QdrantContract.Instance.ValidateRequest(method, path, JsonSerializer.SerializeToElement(body));
            if (problems.Count > 0)
            {
                _violations.Enqueue($"{method} {path}: {string.Join("; ", problems)}");
                await WriteAsync(context, 400, Error("Format error in JSON body: " + problems[0]), null);
                return;
            }
        }
        (int Status, JsonNode Body) answer;
        lock (_gate)
        {
            try
            {
                answer = Dispatch(method, path, body as JsonObject);
            }
            catch (FakeError e)
            {
                answer = (e.Status, Error(e.Message));
            }
        }
        await WriteAsync(context, answer.Status, answer.Body, answer.Status == 200 ? (method, path) : null);
    }

    private async Task WriteAsync(HttpContext context, int status, JsonNode body, (string Method, string Path)? validate)
    {
        if (validate is { } v)
        {
            var problems = QdrantContract.Instance.ValidateResponse(v.Method, v.Path, JsonSerializer.SerializeToElement(body));
            if (problems.Count > 0) _violations.Enqueue($"response to {v.Method} {v.Path}: {string.Join("; ", problems)}");
        }
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(body.ToJsonString());
    }

    private static JsonObject Ok(JsonNode? result) => new() { ["result"] = result, ["status"] = "ok", ["time"] = 0.0001 };

    private static JsonObject Error(string message) => new() { ["status"] = new JsonObject { ["error"] = message }, ["time"] = 0.0001 };

    private sealed class FakeError(int status, string message) : Exception(message)
    {
        public int Status { get; } = status;
    }

    private Collection? Resolve(string name) =>
        _collections.GetValueOrDefault(_aliases.GetValueOrDefault(name) ?? name);

    private Collection Require(string name) =>
        Resolve(name) ?? throw new FakeError(404, $"Not found: Collection `{name}` doesn't exist!");

    private (int, JsonNode) Dispatch(string method, string path, JsonObject? body)
    {
        if (method == "GET" && path == "/aliases")
        {
            var list = new JsonArray(_aliases.Select(a => (JsonNode)new JsonObject { ["alias_name"] = a.Key, ["collection_name"] = a.Value }).ToArray());
            return (200, Ok(new JsonObject { ["aliases"] = list }));
        }
        if (method == "POST" && path == "/collections/aliases") return (200, Ok(ChangeAliases(body!)));
        var m = CollectionPath().Match(path);
        if (!m.Success) throw new FakeError(404, $"no such endpoint {method} {path}");
        var name = Uri.UnescapeDataString(m.Groups[1].Value);
        var rest = m.Groups[2].Value;
        switch (method, rest)
        {
            case ("GET", ""):
                return (200, Ok(Info(Require(name))));
            case ("PUT", ""):
                if (_collections.ContainsKey(name) || _aliases.ContainsKey(name)) throw new FakeError(400, $"Wrong input: Collection `{name}` already exists!");
                _collections[name] = new Collection(body!);
                return (200, Ok(true));
            case ("PATCH", ""):
                var c = Require(name);
                if (body!["metadata"] is JsonObject meta)
                {
                    foreach (var (k, v) in meta) c.Metadata[k] = v?.DeepClone();
                }
                return (200, Ok(true));
            case ("DELETE", ""):
                var removed = _collections.Remove(name);
                foreach (var a in _aliases.Where(a => a.Value == name).ToList()) _aliases.Remove(a.Key);
                return (200, Ok(removed));
            case ("PUT", "/index"):
                Require(name).PayloadSchema[body!["field_name"]!.GetValue<string>()] = new JsonObject
                {
                    ["data_type"] = body["field_schema"]!.DeepClone(), ["points"] = 0,
                };
                return (200, Ok(Updated()));
            case ("PUT", "/points"):
                Upsert(Require(name), body!);
                return (200, Ok(Updated()));
            case ("POST", "/points/delete"):
                Delete(Require(name), body!);
                return (200, Ok(Updated()));
            case ("POST", "/points/batch"):
                var coll = Require(name);
                var results = new JsonArray();
                foreach (var op in body!["operations"]!.AsArray())
                {
                    if (op!["upsert"] is JsonObject u) Upsert(coll, u);
                    else if (op["delete"] is JsonObject d) Delete(coll, d);
                    else if (op["set_payload"] is JsonObject s) SetPayload(coll, s);
                    else throw new FakeError(400, "unsupported operation in fake: " + op.ToJsonString());
                    results.Add(Updated());
                }
                return (200, Ok(results));
            case ("POST", "/points/scroll"):
                return (200, Ok(Scroll(Require(name), body ?? [])));
            case ("POST", "/points/query"):
                return (200, Ok(new JsonObject { ["points"] = Query(Require(name), body!) }));
            default:
                throw new FakeError(404, $"no such endpoint {method} {path}");
        }
    }

    [GeneratedRegex("^/collections/([^/]+)(/.*)?$")]
    private static partial Regex CollectionPath();

    private static JsonObject Updated() => new() { ["operation_id"] = 1, ["status"] = "completed" };

    private JsonNode ChangeAliases(JsonObject body)
    {
        // All actions apply together, or none (Qdrant's alias changes are atomic).
        var next = new Dictionary<string, string>(_aliases, StringComparer.Ordinal);
        foreach (var action in body["actions"]!.AsArray())
        {
            if (action!["create_alias"] is JsonObject c)
            {
                var target = c["collection_name"]!.GetValue<string>();
                if (!_collections.ContainsKey(target)) throw new FakeError(404, $"Not found: Collection `{target}` doesn't exist!");
                var alias = c["alias_name"]!.GetValue<string>();
                if (next.ContainsKey(alias)) throw new FakeError(400, $"Wrong input: Alias `{alias}` already exists!");
                next[alias] = target;
            }
            else if (action["delete_alias"] is JsonObject d)
            {
                var alias = d["alias_name"]!.GetValue<string>();
                if (!next.Remove(alias)) throw new FakeError(404, $"Not found: Alias {alias} does not exists!");
            }
        }
        _aliases.Clear();
        foreach (var (k, v) in next) _aliases[k] = v;
        return JsonValue.Create(true);
    }

    private static JsonObject Info(Collection c)
    {
        var config = new JsonObject
        {
            ["params"] = new JsonObject
            {
                ["vectors"] = c.Config["vectors"]?.DeepClone() ?? new JsonObject(),
                ["shard_number"] = 1,
                ["replication_factor"] = 1,
                ["write_consistency_factor"] = 1,
                ["on_disk_payload"] = true,
                ["sparse_vectors"] = c.Config["sparse_vectors"]?.DeepClone(),
            },
            ["hnsw_config"] = new JsonObject { ["m"] = 16, ["ef_construct"] = 100, ["full_scan_threshold"] = 10000 },
            ["optimizer_config"] = new JsonObject { ["default_segment_number"] = 0, ["flush_interval_sec"] = 5 },
            ["metadata"] = c.Metadata.DeepClone(),
        };
        return new JsonObject
        {
            ["status"] = "green",
            ["optimizer_status"] = "ok",
            ["points_count"] = c.Points.Count,
            ["indexed_vectors_count"] = 0,
            ["segments_count"] = 1,
            ["config"] = config,
            ["payload_schema"] = c.PayloadSchema.DeepClone(),
        };
    }

    private static void Upsert(Collection c, JsonObject body)
    {
        foreach (var p in body["points"]!.AsArray())
        {
            var id = p!["id"]!.ToString();
            Dictionary<uint, float>? sparse = null;
            float[]? dense = null;
            foreach (var (name, v) in p["vector"]!.AsObject())
            {
                if (v is JsonObject sv)
                {
                    var idx = sv["indices"]!.AsArray().Select(x => x!.GetValue<uint>()).ToArray();
                    var val = sv["values"]!.AsArray().Select(x => x!.GetValue<float>()).ToArray();
                    if (idx.Length != val.Length || idx.Distinct().Count() != idx.Length) throw new FakeError(400, "Validation error in JSON body: indices must be unique and match values");
                    if (c.Config["sparse_vectors"]?[name] is null) throw new FakeError(400, $"Wrong input: Not existing vector name error: {name}");
                    sparse = idx.Zip(val).ToDictionary(x => x.First, x => x.Second);
                }
                else
                {
                    var size = c.Config["vectors"]?[name]?["size"]?.GetValue<int>() ?? throw new FakeError(400, $"Wrong input: Not existing vector name error: {name}");
                    var arr = v!.AsArray().Select(x => x!.GetValue<float>()).ToArray();
                    if (arr.Length != size) throw new FakeError(400, $"Wrong input: Vector dimension error: expected dim: {size}, got {arr.Length}");
                    var norm = MathF.Sqrt(arr.Sum(x => x * x));
                    dense = norm > 0 ? arr.Select(x => x / norm).ToArray() : arr;
                }
            }
            c.Points[id] = new Point(id, sparse, dense, p["payload"]?.DeepClone() as JsonObject ?? []);
        }
    }

    private static void Delete(Collection c, JsonObject selector)
    {
        var ids = selector["points"] is JsonArray list
            ? list.Select(x => x!.ToString()).ToList()
            : c.Points.Values.Where(p => Matches(p, selector["filter"] as JsonObject)).Select(p => p.Id).ToList();
        foreach (var id in ids) c.Points.Remove(id);
    }

    private static void SetPayload(Collection c, JsonObject body)
    {
        var targets = body["points"] is JsonArray list
            ? list.Select(x => c.Points.GetValueOrDefault(x!.ToString())).OfType<Point>().ToList()
            : c.Points.Values.Where(p => Matches(p, body["filter"] as JsonObject)).ToList();
        foreach (var p in targets)
        {
            foreach (var (k, v) in body["payload"]!.AsObject()) p!.Payload[k] = v?.DeepClone();
        }
    }

    private static JsonObject Scroll(Collection c, JsonObject body)
    {
        var limit = body["limit"]?.GetValue<int>() ?? 10;
        var offset = body["offset"]?.ToString();
        var matching = c.Points.Values.Where(p => Matches(p, body["filter"] as JsonObject))
            .Where(p => offset is null || string.CompareOrdinal(p.Id, offset) >= 0).Take(limit + 1).ToList();
        var page = new JsonArray(matching.Take(limit).Select(p => (JsonNode)new JsonObject
        {
            ["id"] = p.Id,
            ["payload"] = SelectPayload(p.Payload, body["with_payload"]),
        }).ToArray());
        return new JsonObject { ["points"] = page, ["next_page_offset"] = matching.Count > limit ? matching[limit].Id : null };
    }

    private static JsonObject? SelectPayload(JsonObject payload, JsonNode? with)
    {
        if (with is null || (with is JsonValue b && b.GetValueKind() == JsonValueKind.True)) return (JsonObject)payload.DeepClone();
        if (with is JsonArray fields)
        {
            var keys = fields.Select(f => f!.GetValue<string>()).ToHashSet();
            return new JsonObject(payload.Where(kv => keys.Contains(kv.Key)).Select(kv => KeyValuePair.Create(kv.Key, kv.Value?.DeepClone())));
        }
        return null;
    }

    private static JsonArray Query(Collection c, JsonObject body)
    {
        var limit = body["limit"]?.GetValue<int>() ?? 10;
        var ranked = Rank(c, body, limit);
        return new JsonArray(ranked.Select(r => (JsonNode)new JsonObject
        {
            ["id"] = r.Point.Id,
            ["version"] = 0,
            ["score"] = r.Score,
            ["payload"] = SelectPayload(r.Point.Payload, body["with_payload"]) ?? (JsonNode?)null,
        }).ToArray());
    }

    private static List<(Point Point, float Score)> Rank(Collection c, JsonObject q, int limit)
    {
        var filter = q["filter"] as JsonObject;
        if (q["prefetch"] is JsonArray prefetches)
        {
            if (q["query"]?["rrf"] is not JsonObject rrf) throw new FakeError(400, "fake supports only rrf over prefetches");
            var k = rrf["k"]?.GetValue<int>() ?? 2;
            var fused = new Dictionary<string, (Point Point, double Score)>(StringComparer.Ordinal);
            foreach (var pf in prefetches)
            {
                var list = Rank(c, (JsonObject)pf!, pf!["limit"]?.GetValue<int>() ?? 10);
                for (var r = 0; r < list.Count; r++)
                {
                    var prev = fused.GetValueOrDefault(list[r].Point.Id);
                    fused[list[r].Point.Id] = (list[r].Point, prev.Score + 1.0 / (k + r + 1));
                }
            }
            return fused.Values.Where(v => Matches(v.Point, filter)).OrderByDescending(v => v.Score).ThenBy(v => v.Point.Id, StringComparer.Ordinal)
                .Take(limit).Select(v => (v.Point, (float)v.Score)).ToList();
        }
        var query = q["query"]!;
        var candidates = c.Points.Values.Where(p => Matches(p, filter)).ToList();
        if (query is JsonObject sparse)
        {
            var name = q["using"]!.GetValue<string>();
            var idfOn = c.Config["sparse_vectors"]?[name]?["modifier"]?.GetValue<string>() == "idf";
            var holders = c.Points.Values.Where(p => p.Sparse is not null).ToList();
            var indices = sparse["indices"]!.AsArray().Select(x => x!.GetValue<uint>()).ToArray();
            var values = sparse["values"]!.AsArray().Select(x => x!.GetValue<float>()).ToArray();
            var weights = new Dictionary<uint, float>();
            for (var i = 0; i < indices.Length; i++)
            {
                var n = holders.Count(p => p.Sparse!.ContainsKey(indices[i]));
                var idf = idfOn ? (float)Math.Log(1 + (holders.Count - n + 0.5) / (n + 0.5)) : 1f;
                weights[indices[i]] = values[i] * idf;
            }
            return candidates.Where(p => p.Sparse is not null && weights.Keys.Any(p.Sparse.ContainsKey))
                .Select(p => (Point: p, Score: weights.Sum(w => p.Sparse!.TryGetValue(w.Key, out var d) ? w.Value * d : 0f)))
                .OrderByDescending(x => x.Score).ThenBy(x => x.Point.Id, StringComparer.Ordinal).Take(limit).ToList();
        }
        var vector = query.AsArray().Select(x => x!.GetValue<float>()).ToArray();
        var norm = MathF.Sqrt(vector.Sum(x => x * x));
        return candidates.Where(p => p.Dense is not null)
            .Select(p => (Point: p, Score: p.Dense!.Zip(vector).Sum(z => z.First * z.Second) / norm))
            .OrderByDescending(x => x.Score).ThenBy(x => x.Point.Id, StringComparer.Ordinal).Take(limit).ToList();
    }

    private static bool Matches(Point p, JsonObject? filter)
    {
        if (filter is null) return true;
        static IEnumerable<JsonNode> List(JsonNode? n) => n switch { null => [], JsonArray a => a.Select(x => x!), _ => [n] };
        if (!List(filter["must"]).All(c => Condition(p, c))) return false;
        var should = List(filter["should"]).ToList();
        if (should.Count > 0 && !should.Any(c => Condition(p, c))) return false;
        return !List(filter["must_not"]).Any(c => Condition(p, c));
    }

    private static bool Condition(Point p, JsonNode c)
    {
        if (c["has_id"] is JsonArray ids) return ids.Any(i => i!.ToString() == p.Id);
        if (c["is_empty"] is JsonObject empty)
        {
            var v = p.Payload[empty["key"]!.GetValue<string>()];
            return v is null || (v is JsonArray a && a.Count == 0);
        }
        if (c["key"] is JsonValue key)
        {
            var value = p.Payload[key.GetValue<string>()];
            var values = value is JsonArray arr ? arr.Select(x => x!).ToList() : value is null ? [] : [value];
            var match = c["match"]!;
            if (match["value"] is { } expected) return values.Any(v => JsonNode.DeepEquals(v, expected));
            if (match["any"] is JsonArray any) return values.Any(v => any.Any(a => JsonNode.DeepEquals(v, a)));
            throw new FakeError(400, "unsupported match in fake: " + match.ToJsonString());
        }
        if (c is JsonObject nested && (nested.ContainsKey("must") || nested.ContainsKey("should") || nested.ContainsKey("must_not")))
            return Matches(p, nested);
        throw new FakeError(400, "unsupported condition in fake: " + c.ToJsonString());
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
