namespace LegalBot.Knowledge.Reranking;

/// <summary>
/// An optional cross-encoder reranking endpoint (bge-reranker-v2-m3 behind vLLM, Xinference, Infinity, a
/// cloud API …) that re-orders the lexical/hybrid candidates. Off unless an endpoint is configured.
/// </summary>
/// <param name="Endpoint">Base URL including the API version path, e.g. http://models:8000/v1 (the request goes to <c>{Endpoint}/rerank</c>).</param>
/// <param name="Depth">How many candidates the model re-orders per question (recall of the first stage bounds what it can find).</param>
/// <param name="Timeout">Per-question deadline; after it the lexical order is kept.</param>
public sealed record RerankSettings(Uri Endpoint, string Model, string? ApiKey = null, int Depth = RerankSettings.DefaultDepth, TimeSpan? Timeout = null)
{
    public const int DefaultDepth = 30, MaxDepth = 100;
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(3);

    public TimeSpan EffectiveTimeout => Timeout ?? DefaultTimeout;

    /// <summary>Problems with these settings, empty when usable.</summary>
    public IEnumerable<string> Problems()
    {
        if (!Endpoint.IsAbsoluteUri || (Endpoint.Scheme != Uri.UriSchemeHttp && Endpoint.Scheme != Uri.UriSchemeHttps)) yield return "Rerank:Endpoint must be an http(s) URL";
        if (string.IsNullOrWhiteSpace(Model)) yield return "Rerank:Model is required";
        if (Depth is < 1 or > MaxDepth) yield return $"Rerank:Depth must be between 1 and {MaxDepth}";
        if (EffectiveTimeout <= TimeSpan.Zero || EffectiveTimeout > TimeSpan.FromSeconds(60)) yield return "Rerank:TimeoutSeconds must be in (0, 60]";
    }
}
