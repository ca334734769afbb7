using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace LegalBot.Knowledge.Index.Qdrant;

/// <summary>Connection settings for the Qdrant backend.</summary>
/// <param name="Url">Base URL of the REST API, e.g. http://qdrant:6333.</param>
/// <param name="Collection">The alias searches go through; physical collections are named <c>{Collection}-{timestamp}</c>.</param>
public sealed record QdrantSettings(
    Uri Url,
    string Collection = "legalbot",
    string? ApiKey = null,
    TimeSpan? Timeout = null,
    int MaxRetries = 3,
    uint? ShardNumber = null,
    uint? ReplicationFactor = null);

/// <summary>Qdrant could not be reached, refused a request, or holds a collection LegalBot cannot use.</summary>
public sealed class QdrantException : Exception
{
    public QdrantException() { }
    public QdrantException(string message) : base(message) { }
    public QdrantException(string message, Exception inner) : base(message, inner) { }

    public HttpStatusCode? StatusCode { get; init; }
}

/// <summary>
/// A small typed client for the parts of Qdrant's REST API that LegalBot uses. Transient failures
/// (connection refused, 429, 5xx, timeouts) are retried with exponential backoff; every request LegalBot
/// sends is idempotent (deterministic point ids, filter deletes, alias swaps), so a retry cannot duplicate.
/// Errors come back as <see cref="QdrantException"/> naming the operation and Qdrant's own message.
/// </summary>
internal sealed class QdrantClient(HttpClient http, QdrantSettings settings, TimeProvider? time = null)
{
    private readonly TimeProvider _time = time ?? TimeProvider.System;

    public static HttpClient CreateHttpClient(QdrantSettings settings, HttpMessageHandler? handler = null)
    {
        var http = handler is null ? new HttpClient() : new HttpClient(handler, disposeHandler: false);
        http.BaseAddress = new Uri(settings.Url.ToString().TrimEnd('/') + "/");
        http.Timeout = settings.Timeout ?? TimeSpan.FromSeconds(30);
        if (!string.IsNullOrEmpty(settings.ApiKey)) http.DefaultRequestHeaders.Add("api-key", settings.ApiKey);
        return http;
    }

    public Task<CollectionInfo?> GetCollectionAsync(string name, CancellationToken ct) =>
        SendAsync<CollectionInfo>(HttpMethod.Get, $"collections/{Escape(name)}", null, ct, notFoundIsNull: true);

    public Task<bool?> CreateCollectionAsync(string name, CreateCollection body, CancellationToken ct) =>
        SendAsync<bool?>(HttpMethod.Put, $"collections/{Escape(name)}", body, ct);

    public Task<bool?> UpdateMetadataAsync(string name, UpdateCollectionMetadata body, CancellationToken ct) =>
        SendAsync<bool?>(HttpMethod.Patch, $"collections/{Escape(name)}", body, ct);

    public Task<bool?> DeleteCollectionAsync(string name, CancellationToken ct) =>
        SendAsync<bool?>(HttpMethod.Delete, $"collections/{Escape(name)}", null, ct, notFoundIsNull: true);

    public Task<UpdateResult?> CreatePayloadIndexAsync(string collection, CreateFieldIndex body, CancellationToken ct) =>
        SendAsync<UpdateResult>(HttpMethod.Put, $"collections/{Escape(collection)}/index?wait=true", body, ct);

    public async Task<IReadOnlyList<AliasDescription>> GetAliasesAsync(CancellationToken ct) =>
        (await SendAsync<CollectionsAliasesResponse>(HttpMethod.Get, "aliases", null, ct).ConfigureAwait(false))?.Aliases ?? [];

    public Task<bool?> UpdateAliasesAsync(ChangeAliasesOperation body, CancellationToken ct) =>
        SendAsync<bool?>(HttpMethod.Post, "collections/aliases", body, ct);

    public Task<UpdateResult?> UpsertAsync(string collection, PointsList body, CancellationToken ct) =>
        SendAsync<UpdateResult>(HttpMethod.Put, $"collections/{Escape(collection)}/points?wait=true", body, ct);

    public Task<UpdateResult?> DeleteAsync(string collection, FilterSelector body, CancellationToken ct) =>
        SendAsync<UpdateResult>(HttpMethod.Post, $"collections/{Escape(collection)}/points/delete?wait=true", body, ct);

    public Task<IReadOnlyList<UpdateResult>?> BatchAsync(string collection, UpdateOperations body, CancellationToken ct) =>
        SendAsync<IReadOnlyList<UpdateResult>>(HttpMethod.Post, $"collections/{Escape(collection)}/points/batch?wait=true", body, ct);

    public Task<ScrollResult?> ScrollAsync(string collection, ScrollRequest body, CancellationToken ct) =>
        SendAsync<ScrollResult>(HttpMethod.Post, $"collections/{Escape(collection)}/points/scroll", body, ct);

    public Task<QueryResponse?> QueryAsync(string collection, QueryRequest body, CancellationToken ct) =>
        SendAsync<QueryResponse>(HttpMethod.Post, $"collections/{Escape(collection)}/points/query", body, ct);

    private static string Escape(string name) => Uri.EscapeDataString(name);

    private async Task<T?> SendAsync<T>(HttpMethod method, string path, object? body, CancellationToken ct, bool notFoundIsNull = false)
    {
        var payload = body is null ? null : JsonSerializer.SerializeToUtf8Bytes(body, body.GetType(), QdrantJson.Options);
        for (var attempt = 0; ; attempt++)
        {
            using var request = new HttpRequestMessage(method, path);
            if (payload is not null)
            {
                request.Content = new ByteArrayContent(payload);
                request.Content.Headers.ContentType = new("application/json");
            }
            HttpResponseMessage response;
            try
            {
                response = await http.SendAsync(request, ct).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is HttpRequestException || (ex is TaskCanceledException && !ct.IsCancellationRequested))
            {
                if (attempt < settings.MaxRetries)
                {
                    await DelayAsync(attempt, ct).ConfigureAwait(false);
                    continue;
                }
                throw new QdrantException($"Qdrant at {settings.Url} is unreachable ({method} {path}): {ex.Message}", ex);
            }
            using (response)
            {
                if (response.StatusCode == HttpStatusCode.NotFound && notFoundIsNull) return default;
                if ((response.StatusCode == HttpStatusCode.TooManyRequests || (int)response.StatusCode >= 500) && attempt < settings.MaxRetries)
                {
                    await DelayAsync(attempt, ct).ConfigureAwait(false);
                    continue;
                }
                if (!response.IsSuccessStatusCode)
                {
                    throw new QdrantException($"Qdrant refused {method} {path}: {(int)response.StatusCode} {await ErrorOfAsync(response, ct).ConfigureAwait(false)}")
                    {
                        StatusCode = response.StatusCode,
                    };
                }
                try
                {
                    var parsed = await response.Content.ReadFromJsonAsync<QdrantResponse<T>>(QdrantJson.Options, ct).ConfigureAwait(false);
                    return parsed is null ? default : parsed.Result;
                }
                catch (JsonException ex)
                {
                    throw new QdrantException($"Qdrant's answer to {method} {path} is not the documented shape: {ex.Message}", ex);
                }
            }
        }
    }

    private async Task DelayAsync(int attempt, CancellationToken ct)
    {
        // 100 ms, 200 ms, 400 ms … with ±25 % jitter so several instances do not retry in step.
        var ms = 100 * Math.Pow(2, attempt) * (0.75 + Random.Shared.NextDouble() / 2);
        await Task.Delay(TimeSpan.FromMilliseconds(ms), _time, ct).ConfigureAwait(false);
    }

    private static async Task<string> ErrorOfAsync(HttpResponseMessage response, CancellationToken ct)
    {
        var text = await response.Content.ReadAsStringAsync(ct).ConfigureAwait(false);
        try
        {
            using var doc = JsonDocument.Parse(text);
            if (doc.RootElement.TryGetProperty("status", out var status) && status.ValueKind == JsonValueKind.Object
                && status.TryGetProperty("error", out var error))
            {
                return error.GetString() ?? text;
            }
        }
        catch (JsonException)
        {
            // Not JSON (a proxy's error page, say): show the start of it.
        }
        return text.Length > 300 ? text[..300] : text;
    }
}
