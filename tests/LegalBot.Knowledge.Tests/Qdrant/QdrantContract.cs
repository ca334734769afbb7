using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using NJsonSchema;
using NJsonSchema.Validation;

namespace LegalBot.Knowledge.Tests.Qdrant;

/// <summary>
/// Qdrant's OpenAPI document (../shared/contracts/qdrant-openapi.json) as JSON Schemas per operation.
/// OpenAPI 3.0 is not JSON Schema: <c>nullable</c> becomes a "null" type (a bare <c>{"nullable": true}</c>
/// alternative would otherwise accept anything), refs move to <c>definitions</c>, and every object that lists its
/// properties gets <c>additionalProperties: false</c> — so a misspelt or invented field fails validation
/// instead of being silently ignored by the server.
/// </summary>
internal sealed partial class QdrantContract
{
    private readonly JsonObject _defs;
    private readonly JsonObject _paths;
    private readonly ConcurrentDictionary<string, JsonSchema?> _schemas = new();

    private QdrantContract(JsonObject defs, JsonObject paths)
    {
        _defs = defs;
        _paths = paths;
    }

    public static QdrantContract Instance { get; } = Load();

    private static QdrantContract Load()
    {
        var spec = JsonNode.Parse(File.ReadAllText(Path.Combine(TestPaths.Shared, "contracts", "qdrant-openapi.json")))!.AsObject();
        var defs = (JsonObject)Convert(spec["components"]!["schemas"]!.DeepClone(), isPropertyMap: true);
        return new QdrantContract(defs, spec["paths"]!.AsObject());
    }

    /// <summary>Problems of <paramref name="body"/> as the request body of <paramref name="method"/> <paramref name="path"/>; empty when valid.</summary>
    public IReadOnlyList<string> ValidateRequest(string method, string path, JsonElement body) =>
        Validate(Operation(method, path)?["requestBody"]?["content"]?["application/json"]?["schema"], $"req {method} {Template(path)}", body);

    /// <summary>Problems of a 200 response body.</summary>
    public IReadOnlyList<string> ValidateResponse(string method, string path, JsonElement body) =>
        Validate(Operation(method, path)?["responses"]?["200"]?["content"]?["application/json"]?["schema"], $"res {method} {Template(path)}", body);

    public bool HasOperation(string method, string path) => Operation(method, path) is not null;

    private JsonNode? Operation(string method, string path) => _paths[Template(path)]?[method.ToLowerInvariant()];

    private List<string> Validate(JsonNode? schemaNode, string key, JsonElement body)
    {
        var schema = _schemas.GetOrAdd(key, _ =>
        {
            if (schemaNode is null) return null;
            // Wrapped, because keywords beside a root "$ref" are ignored (the definitions would be lost).
            var root = new JsonObject { ["allOf"] = new JsonArray(Convert(schemaNode.DeepClone())), ["definitions"] = _defs.DeepClone() };
            // NJsonSchema's loader is async-only; this runs once per operation, in tests.
            return JsonSchema.FromJsonAsync(root.ToJsonString()).GetAwaiter().GetResult();
        });
        if (schema is null) return [$"the spec has no schema for {key}"];
        var errors = schema.Validate(body.GetRawText());
        return errors.SelectMany(Flatten).Distinct().Take(20).ToList();
    }

    private static IEnumerable<string> Flatten(ValidationError e) => e is ChildSchemaValidationError child && child.Errors.Count > 0
        ? child.Errors.SelectMany(kv => kv.Value).SelectMany(Flatten).Prepend($"{e.Path}: {e.Kind}")
        : [$"{e.Path}: {e.Kind}{(e.Property is null ? "" : " (" + e.Property + ")")}"];

    /// <summary>The spec's path template for a concrete path (/collections/x/points → /collections/{collection_name}/points).</summary>
    private string Template(string path)
    {
        path = path.Split('?')[0];
        // "/collections/x/points/scroll" also matches ".../points/{id}": the template with fewest parameters wins.
        return _paths.Select(kv => kv.Key)
            .Where(t => Regex.IsMatch(path, "^" + ParameterPattern().Replace(Regex.Escape(t), "[^/]+") + "$"))
            .OrderBy(t => t.Count(ch => ch == '{'))
            .FirstOrDefault() ?? path;
    }

    [GeneratedRegex(@"\\\{[a-z_]+}")]
    private static partial Regex ParameterPattern();

    private static JsonNode Convert(JsonNode node, bool isPropertyMap = false)
    {
        switch (node)
        {
            case JsonArray array:
                for (var i = 0; i < array.Count; i++)
                {
                    if (array[i] is { } item) array[i] = Convert(item.DeepClone());
                }
                return array;
            case JsonObject obj when isPropertyMap:
                foreach (var key in obj.Select(kv => kv.Key).ToList())
                {
                    if (obj[key] is { } child) obj[key] = Convert(child.DeepClone());
                }
                return obj;
            case JsonObject obj:
                foreach (var key in obj.Select(kv => kv.Key).ToList())
                {
                    // "example", "default" and "enum" hold data, not schemas — unless they name a property.
                    if (obj[key] is { } child && key is not "example" and not "default" and not "enum")
                        obj[key] = Convert(child.DeepClone(), isPropertyMap: key is "properties");
                }
                if (obj["$ref"] is JsonValue r && r.GetValue<string>().StartsWith("#/components/schemas/", StringComparison.Ordinal))
                    obj["$ref"] = "#/definitions/" + r.GetValue<string>()["#/components/schemas/".Length..];
                if (obj["properties"] is JsonObject && !obj.ContainsKey("additionalProperties")) obj["additionalProperties"] = false;
                if (obj["nullable"] is JsonValue n && n.GetValue<bool>())
                {
                    obj.Remove("nullable");
                    if (obj["type"] is JsonValue t)
                    {
                        obj["type"] = new JsonArray(t.GetValue<string>(), "null");
                        if (obj["enum"] is JsonArray e) e.Add(null);
                    }
                    else if (!obj.Any(kv => kv.Key is "$ref" or "anyOf" or "oneOf" or "allOf" or "properties"))
                    {
                        obj["type"] = "null";
                    }
                    else
                    {
                        var inner = new JsonObject();
                        foreach (var key in obj.Select(kv => kv.Key).Where(k => k is not "description" and not "default").ToList())
                        {
                            inner[key] = obj[key]!.DeepClone();
                            obj.Remove(key);
                        }
                        obj["anyOf"] = new JsonArray(inner, new JsonObject { ["type"] = "null" });
                    }
                }
                return obj;
            default:
                return node;
        }
    }
}
