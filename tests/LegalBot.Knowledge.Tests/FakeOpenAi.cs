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
/// answers <see cref="ChatReply"/> after <see cref="ChatDelay"/>. Every request body is kept for assertions.
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

    public static async Task<FakeOpenAi> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        var fake = new FakeOpenAi(app);
        app.MapPost("/v1/embeddings", fake.EmbeddingsAsync);
        app.MapPost("/v1/chat/completions", fake.ChatAsync);
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
