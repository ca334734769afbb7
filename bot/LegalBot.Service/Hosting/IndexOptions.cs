using LegalBot.Knowledge;
using LegalBot.Knowledge.Embeddings;
using LegalBot.Knowledge.Index.Qdrant;
using LegalBot.Knowledge.Reranking;
using Microsoft.Extensions.Options;

namespace LegalBot.Service.Hosting;

/// <summary><c>Index__Backend</c>: embedded (default, in-process) or qdrant.</summary>
public sealed class IndexOptions
{
    public const string Section = "Index";
    public string Backend { get; set; } = KnowledgeBackendSettings.Embedded;

    /// <summary>
    /// False for serving replicas of a shared Qdrant index: they read it and reload synonyms, while one
    /// writer (a single indexer instance) keeps it in line with the knowledge folder.
    /// </summary>
    public bool Writer { get; set; } = true;

    /// <summary>
    /// Qdrant writer only: at start-up, rebuild the whole folder into a new collection and switch the alias
    /// (after changing tokenizer/BM25 settings or embeddings). Serving replicas keep answering meanwhile.
    /// </summary>
    public bool RebuildOnStart { get; set; }
}

/// <summary><c>Qdrant__Url</c>, <c>Qdrant__ApiKey</c>, <c>Qdrant__Collection</c> (the alias searched) and client limits.</summary>
public sealed class QdrantOptions
{
    public const string Section = "Qdrant";
    public Uri? Url { get; set; }
    public string? ApiKey { get; set; }
    public string Collection { get; set; } = "legalbot";
    public double TimeoutSeconds { get; set; } = 10;
    public int MaxRetries { get; set; } = 3;
    /// <summary>For a cluster: shards per collection and copies of each (2 survives one node down).</summary>
    public uint? ShardNumber { get; set; }
    public uint? ReplicationFactor { get; set; }

    public QdrantSettings? ToSettings() => Url is null || Url.OriginalString.Length == 0 ? null
        : new QdrantSettings(Url, Collection, ApiKey, TimeSpan.FromSeconds(TimeoutSeconds), MaxRetries, ShardNumber, ReplicationFactor);
}

/// <summary><c>Embeddings__Endpoint/Model/Dimensions/ApiKey</c>: an optional OpenAI-compatible embedding endpoint for hybrid search.</summary>
public sealed class EmbeddingsOptions
{
    public const string Section = "Embeddings";
    public Uri? Endpoint { get; set; }
    public string? Model { get; set; }
    public string? ApiKey { get; set; }
    public int Dimensions { get; set; }
    public int BatchSize { get; set; } = 64;
    public double TimeoutSeconds { get; set; } = 30;

    public EmbeddingSettings? ToSettings() => Endpoint is null || Endpoint.OriginalString.Length == 0 ? null
        : new EmbeddingSettings(Endpoint, Model ?? "", Dimensions, ApiKey, BatchSize, TimeSpan.FromSeconds(TimeoutSeconds));
}

/// <summary><c>Rerank__Endpoint/Model/ApiKey/Depth/TimeoutSeconds</c>: an optional cross-encoder that re-orders the top candidates.</summary>
public sealed class RerankOptions
{
    public const string Section = "Rerank";
    public Uri? Endpoint { get; set; }
    public string? Model { get; set; }
    public string? ApiKey { get; set; }
    public int Depth { get; set; } = RerankSettings.DefaultDepth;
    public double TimeoutSeconds { get; set; } = RerankSettings.DefaultTimeout.TotalSeconds;

    public RerankSettings? ToSettings() => Endpoint is null || Endpoint.OriginalString.Length == 0 ? null
        : new RerankSettings(Endpoint, Model ?? "", ApiKey, Depth, TimeSpan.FromSeconds(TimeoutSeconds));
}

/// <summary>Start-up validation of the backend choice (one message per problem, exit code 2).</summary>
public sealed class IndexOptionsValidator(IOptions<QdrantOptions> qdrant, IOptions<EmbeddingsOptions> embeddings, IOptions<RerankOptions> rerank)
    : IValidateOptions<IndexOptions>
{
    public ValidateOptionsResult Validate(string? name, IndexOptions options)
    {
        var problems = Settings(options, qdrant.Value, embeddings.Value, rerank.Value, null).Problems().ToList();
        if (qdrant.Value.Url is { } url && !url.IsAbsoluteUri) problems.Add("Qdrant:Url must be an absolute URL");
        if (qdrant.Value.TimeoutSeconds is <= 0 or > 300) problems.Add("Qdrant:TimeoutSeconds must be in (0, 300]");
        if (options.RebuildOnStart && (!options.Writer || options.Backend != KnowledgeBackendSettings.QdrantBackend))
            problems.Add("Index:RebuildOnStart needs Index:Backend=qdrant and Index:Writer=true");
        if (!options.Writer && options.Backend != KnowledgeBackendSettings.QdrantBackend) problems.Add("Index:Writer=false needs Index:Backend=qdrant (an embedded index has no other writer)");
        return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
    }

    public static KnowledgeBackendSettings Settings(IndexOptions index, QdrantOptions qdrant, EmbeddingsOptions embeddings, RerankOptions rerank, string? dataDirectory) =>
        new(index.Backend, dataDirectory, qdrant.ToSettings(), embeddings.ToSettings(), ForRebuild: index.RebuildOnStart, Rerank: rerank.ToSettings());
}
