using Grpc.Core;

namespace LegalBot.Knowledge.Index.Qdrant;

/// <summary>Connection settings for the Qdrant backend.</summary>
/// <param name="Url">The gRPC endpoint, e.g. http://qdrant:6334 (https for TLS).</param>
/// <param name="Collection">The alias searches go through; physical collections are named <c>{Collection}-{timestamp}</c>.</param>
/// <param name="Timeout">Deadline of each gRPC call.</param>
/// <param name="MaxRetries">Extra attempts after a transient failure (unavailable, overloaded, internal error, deadline).</param>
public sealed record QdrantSettings(
    Uri Url,
    string Collection = "legalbot",
    string? ApiKey = null,
    TimeSpan? Timeout = null,
    int MaxRetries = 3,
    uint? ShardNumber = null,
    uint? ReplicationFactor = null)
{
    public const int GrpcPort = 6334, RestPort = 6333;

    /// <summary>What is wrong with these settings, one line each; empty when they can be used.</summary>
    public IEnumerable<string> Problems()
    {
        // A relative URL is refused where it is parsed (the service's options validator, the CLI's flags).
        if (!Url.IsAbsoluteUri) yield break;
        if (Url.Scheme is not ("http" or "https"))
        {
            yield return $"Qdrant__Url {Url} must be an http:// or https:// URL of Qdrant's gRPC port ({GrpcPort})";
            yield break;
        }
        // The REST client's old default: the same URL now meets a port that does not speak gRPC.
        if (Url.Port == RestPort)
        {
            var grpc = new UriBuilder(Url) { Port = GrpcPort }.Uri.ToString().TrimEnd('/');
            yield return $"Qdrant__Url {Url.ToString().TrimEnd('/')} is Qdrant's REST port; LegalBot speaks gRPC: set {grpc}";
        }
        if (string.IsNullOrWhiteSpace(Collection)) yield return "Qdrant__Collection must not be empty";
        if (MaxRetries < 0) yield return "Qdrant__MaxRetries must not be negative";
    }
}

/// <summary>Qdrant could not be reached, refused a request, or holds a collection LegalBot cannot use.</summary>
public sealed class QdrantException : Exception
{
    public QdrantException() { }
    public QdrantException(string message) : base(message) { }
    public QdrantException(string message, Exception inner) : base(message, inner) { }

    /// <summary>The gRPC status Qdrant answered with, when it answered at all.</summary>
    public StatusCode? StatusCode { get; init; }
}
