using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace LegalBot.Tests.Fakes;

/// <summary>
/// A local OpenAI-compatible endpoint over real HTTP: <c>POST /v1/embeddings</c> answers deterministic
/// vectors (a bag of character bigrams hashed into the requested dimensions), <c>POST /v1/chat/completions</c>
/// answers <see cref="ChatReply"/> after <see cref="ChatDelay"/>, <c>POST /v1/rerank</c> (the Jina/Cohere format
/// vLLM serves) scores each document with <see cref="RerankScore"/>. Every request body is kept for assertions.
/// </summary>
public sealed class FakeOpenAi : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentQueue<(string Path, JsonObject Body)> _requests = new();

    private FakeOpenAi(WebApplication app) => _app = app;

    public Uri Endpoint { get; private set; } = null!;
    public IReadOnlyList<(string Path, JsonObject Body)> Requests => [.. _requests];
    public string ChatReply { get; set; } = "";
    public TimeSpan ChatDelay { get; set; }
    public int Status { get; set; } = 200;
    /// <summary>Answer vectors of this size whatever was asked (a misconfigured model).</summary>
    public int? ForcedDimensions { get; set; }

    /// <summary>The "cross-encoder": (query, document) → relevance. Default: share of the query's bigrams in the document.</summary>
    public Func<string, string, double> RerankScore { get; set; } = BigramOverlap;
    public TimeSpan RerankDelay { get; set; }
    /// <summary>Corrupt the rerank answer: "malformed" JSON, "missing" one result, "out-of-range" index.</summary>
    public string? RerankFault { get; set; }

    public static async Task<FakeOpenAi> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        var fake = new FakeOpenAi(app);
        app.MapPost("/v1/embeddings", fake.EmbeddingsAsync);
        app.MapPost("/v1/chat/completions", fake.ChatAsync);
        app.MapPost("/v1/rerank", fake.RerankAsync);
        await app.StartAsync();
        fake.Endpoint = new Uri(app.Urls.First() + "/v1");
        return fake;
    }

    private async Task<IResult> EmbeddingsAsync(HttpRequest request)
    {
        var body = (JsonObject)(await JsonNode.ParseAsync(request.Body))!;
        _requests.Enqueue(("embeddings", body));
        if (Status != 200) return Results.Json(new { error = new { message = "injected failure", type = "server_error" } }, statusCode: Status);
        var dims = ForcedDimensions ?? body["dimensions"]?.GetValue<int>() ?? 16;
        var inputs = body["input"] is JsonArray a ? a.Select(x => x!.GetValue<string>()).ToList() : [body["input"]!.GetValue<string>()];
        var data = inputs.Select((text, i) => new { @object = "embedding", index = i, embedding = Vector(text, dims) }).ToList();
        return Results.Json(new { @object = "list", data, model = body["model"]!.GetValue<string>(), usage = new { prompt_tokens = 1, total_tokens = 1 } });
    }

    private async Task<IResult> ChatAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        var body = (JsonObject)(await JsonNode.ParseAsync(request.Body, cancellationToken: cancellationToken))!;
        _requests.Enqueue(("chat", body));
        await Task.Delay(ChatDelay, cancellationToken);
        if (Status != 200) return Results.Json(new { error = new { message = "injected failure", type = "server_error" } }, statusCode: Status);
        return Results.Json(new
        {
            id = "chatcmpl-test",
            @object = "chat.completion",
            created = 1_700_000_000,
            model = body["model"]!.GetValue<string>(),
            choices = new[] { new { index = 0, message = new { role = "assistant", content = ChatReply }, finish_reason = "stop" } },
            usage = new { prompt_tokens = 10, completion_tokens = 10, total_tokens = 20 },
        });
    }

    private async Task<IResult> RerankAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        // Like simpler model servers (Python's http.server behind some wrappers): no chunked bodies.
        if (request.ContentLength is null) return Results.StatusCode(411);
        var body = (JsonObject)(await JsonNode.ParseAsync(request.Body, cancellationToken: cancellationToken))!;
        _requests.Enqueue(("rerank", body));
        await Task.Delay(RerankDelay, cancellationToken);
        if (Status != 200) return Results.Json(new { error = new { message = "injected failure", type = "server_error" } }, statusCode: Status);
        // What vLLM rejects with 400: a missing model or query, documents that are not a non-empty string array.
        if (body["model"]?.GetValue<string>() is not { Length: > 0 } model || body["query"]?.GetValue<string>() is not { Length: > 0 } query
            || body["documents"] is not JsonArray { Count: > 0 } docs || docs.Any(d => d?.GetValueKind() != System.Text.Json.JsonValueKind.String))
            return Results.Json(new { error = new { message = "invalid rerank request", type = "invalid_request_error" } }, statusCode: 400);
        if (RerankFault == "malformed") return Results.Text("{\"results\": [", "application/json");
        var documents = docs.Select(d => d!.GetValue<string>()).ToList();
        var results = documents.Select((d, i) => new { index = i, relevance_score = RerankScore(query, d) })
            .OrderByDescending(r => r.relevance_score).ToList();
        if (RerankFault == "missing") results.RemoveAt(results.Count - 1);
        if (RerankFault == "out-of-range") results[0] = results[0] with { index = documents.Count };
        var topN = body["top_n"]?.GetValue<int>() ?? results.Count;
        return Results.Json(new { id = "rerank-test", model, results = results.Take(topN), usage = new { total_tokens = 1 } });
    }

    public static double BigramOverlap(string query, string document)
    {
        var grams = Enumerable.Range(0, Math.Max(0, query.Length - 1)).Select(i => query.Substring(i, 2)).Distinct().ToList();
        return grams.Count == 0 ? 0 : grams.Count(g => document.Contains(g, StringComparison.Ordinal)) / (double)grams.Count;
    }

    /// <summary>Deterministic: texts sharing character bigrams get similar vectors.</summary>
    public static float[] Vector(string text, int dims)
    {
        var v = new float[dims];
        for (var i = 0; i + 1 < text.Length; i++) v[(uint)(text[i] * 31 + text[i + 1]) % (uint)dims] += 1;
        v[0] += 0.01f;
        return v;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
