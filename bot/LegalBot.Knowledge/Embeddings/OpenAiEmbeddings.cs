using System.ClientModel;
using Microsoft.Extensions.AI;
using OpenAI;
using OpenAI.Embeddings;

namespace LegalBot.Knowledge.Embeddings;

/// <summary>An OpenAI-compatible embeddings endpoint (bge-m3 behind vLLM/Xinference/Ollama, a cloud API …).</summary>
/// <param name="Endpoint">Base URL including the API version path, e.g. http://models:8000/v1.</param>
public sealed record EmbeddingSettings(Uri Endpoint, string Model, int Dimensions, string? ApiKey = null, int BatchSize = 64, TimeSpan? Timeout = null)
{
    /// <summary>Problems with these settings, empty when usable.</summary>
    public IEnumerable<string> Problems()
    {
        if (!Endpoint.IsAbsoluteUri || (Endpoint.Scheme != Uri.UriSchemeHttp && Endpoint.Scheme != Uri.UriSchemeHttps)) yield return "Embeddings:Endpoint must be an http(s) URL";
        if (string.IsNullOrWhiteSpace(Model)) yield return "Embeddings:Model is required";
        if (Dimensions is < 1 or > 65536) yield return "Embeddings:Dimensions must be between 1 and 65536";
        if (BatchSize is < 1 or > 2048) yield return "Embeddings:BatchSize must be between 1 and 2048";
    }
}

public static class OpenAiEmbeddings
{
    /// <summary>An <see cref="IEmbeddingGenerator{TInput, TEmbedding}"/> over the endpoint (Microsoft.Extensions.AI's OpenAI adapter).</summary>
    public static IEmbeddingGenerator<string, Embedding<float>> CreateGenerator(EmbeddingSettings settings)
    {
        var options = new OpenAIClientOptions
        {
            Endpoint = settings.Endpoint,
            NetworkTimeout = settings.Timeout ?? TimeSpan.FromSeconds(30),
        };
        // Local model servers usually need no key, but the client requires a credential.
        var client = new EmbeddingClient(settings.Model, new ApiKeyCredential(settings.ApiKey is { Length: > 0 } key ? key : "none"), options);
        return client.AsIEmbeddingGenerator(settings.Dimensions);
    }

    /// <summary>A <see cref="ChunkEmbedder"/> over the endpoint, caching under <paramref name="cacheDirectory"/> (null: in memory).</summary>
    public static async Task<ChunkEmbedder> CreateEmbedderAsync(EmbeddingSettings settings, string? cacheDirectory, CancellationToken cancellationToken)
    {
        var cacheKey = $"{settings.Endpoint}|{settings.Model}|{settings.Dimensions}";
        var cache = cacheDirectory is null
            ? EmbeddingCache.InMemory(cacheKey)
            : await EmbeddingCache.OpenAsync(cacheKey, cacheDirectory, cancellationToken).ConfigureAwait(false);
        return new ChunkEmbedder(CreateGenerator(settings), cache, settings.Dimensions, settings.BatchSize);
    }
}
