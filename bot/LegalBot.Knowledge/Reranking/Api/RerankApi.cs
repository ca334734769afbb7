using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace LegalBot.Knowledge.Reranking.Api;

// The de-facto rerank wire format (Cohere/Jina style, also served by vLLM, Xinference and Infinity):
//   POST {base}/rerank  {"model","query","documents":[string],"top_n","return_documents"}
//   200 {"results":[{"index","relevance_score"}], …}  — results sorted by relevance, index into documents.
// Only what LegalBot sends and reads is modelled; an official SDK can replace this folder.

internal sealed record RerankRequest(
    [property: JsonPropertyName("model")] string Model,
    [property: JsonPropertyName("query")] string Query,
    [property: JsonPropertyName("documents")] IReadOnlyList<string> Documents,
    [property: JsonPropertyName("top_n")] int TopN,
    [property: JsonPropertyName("return_documents")] bool ReturnDocuments = false);

internal sealed record RerankResult(
    [property: JsonPropertyName("index")] int? Index,
    [property: JsonPropertyName("relevance_score")] double? RelevanceScore);

internal sealed record RerankResponse([property: JsonPropertyName("results")] IReadOnlyList<RerankResult>? Results);

/// <summary>The reranking endpoint failed or answered something unusable.</summary>
public sealed class RerankException : Exception
{
    public RerankException() { }
    public RerankException(string message) : base(message) { }
    public RerankException(string message, Exception inner) : base(message, inner) { }
}

/// <summary>Scores (question, passage) pairs with a cross-encoder behind the rerank endpoint.</summary>
public interface IRelevanceScorer
{
    /// <summary>One relevance score per passage, in the passages' order (higher is more relevant).</summary>
    /// <exception cref="RerankException">The endpoint failed or its answer does not cover every passage exactly once.</exception>
    Task<IReadOnlyList<double>> ScoreAsync(string query, IReadOnlyList<string> passages, CancellationToken cancellationToken);
}

/// <summary>
/// <see cref="IRelevanceScorer"/> over HTTP. No retries: the caller has a per-question deadline and
/// falls back to the lexical order, which is better than a late answer.
/// </summary>
public sealed class HttpRelevanceScorer : IRelevanceScorer, IDisposable
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private readonly HttpClient _http;
    private readonly string _model;

    public HttpRelevanceScorer(RerankSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        _http = new HttpClient
        {
            BaseAddress = new Uri(settings.Endpoint.ToString().TrimEnd('/') + "/"),
            // The caller's deadline governs; this only bounds a request nobody cancels.
            Timeout = TimeSpan.FromSeconds(60),
        };
        if (settings.ApiKey is { Length: > 0 } key) _http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        _model = settings.Model;
    }

    public async Task<IReadOnlyList<double>> ScoreAsync(string query, IReadOnlyList<string> passages, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(passages);
        if (passages.Count == 0) return [];
        HttpResponseMessage response;
        try
        {
            // A buffered body with Content-Length: JsonContent streams chunked, which some model servers refuse.
            using var content = new ByteArrayContent(JsonSerializer.SerializeToUtf8Bytes(new RerankRequest(_model, query, passages, passages.Count), Json));
            content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
            response = await _http.PostAsync("rerank", content, cancellationToken).ConfigureAwait(false);
        }
        catch (HttpRequestException ex)
        {
            throw new RerankException($"rerank endpoint unreachable: {ex.Message}", ex);
        }
        using (response)
        {
            var body = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
            if (!response.IsSuccessStatusCode)
                throw new RerankException($"rerank endpoint answered {(int)response.StatusCode}: {Clip(body)}");
            RerankResponse? parsed;
            try { parsed = JsonSerializer.Deserialize<RerankResponse>(body, Json); }
            catch (JsonException ex) { throw new RerankException($"rerank endpoint answered malformed JSON: {ex.Message}", ex); }
            return Align(parsed?.Results, passages.Count);
        }
    }

    /// <summary>Results come sorted by relevance with an index into the passages; every passage must be scored once.</summary>
    internal static double[] Align(IReadOnlyList<RerankResult>? results, int count)
    {
        if (results is null) throw new RerankException("rerank answer has no results");
        var scores = new double[count];
        var seen = new bool[count];
        foreach (var r in results)
        {
            if (r.Index is not { } i || i < 0 || i >= count) throw new RerankException($"rerank answer has index {r.Index?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "null"} for {count} passages");
            if (seen[i]) throw new RerankException($"rerank answer scores passage {i} twice");
            if (r.RelevanceScore is not { } s || !double.IsFinite(s)) throw new RerankException($"rerank answer has no finite relevance_score for passage {i}");
            seen[i] = true;
            scores[i] = s;
        }
        var missing = Array.IndexOf(seen, false);
        if (missing >= 0) throw new RerankException($"rerank answer scores {results.Count} of {count} passages (passage {missing} missing)");
        return scores;
    }

    private static string Clip(string s) => s.Length <= 300 ? s : s[..300] + "…";

    public void Dispose() => _http.Dispose();
}
