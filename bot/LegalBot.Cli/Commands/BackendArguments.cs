using System.Globalization;
using LegalBot.Knowledge;
using LegalBot.Knowledge.Embeddings;
using LegalBot.Knowledge.Index.Qdrant;
using LegalBot.Knowledge.Reranking;
using LegalBot.Knowledge.Search;

namespace LegalBot.Cli.Commands;

/// <summary>
/// The backend flags shared by index/ask/eval: <c>--backend embedded|qdrant</c>, <c>--qdrant-url</c>,
/// <c>--qdrant-collection</c>, <c>--qdrant-api-key</c>, <c>--embed-url</c>, <c>--embed-model</c>,
/// <c>--embed-dims</c>, <c>--embed-key</c>, <c>--rerank-url</c>, <c>--rerank-model</c>, <c>--rerank-key</c>,
/// <c>--rerank-depth</c>. Unset flags fall back to the service's environment variables
/// (Index__Backend, Qdrant__Url, Rerank__Endpoint …), so the CLI sees the same index as the service.
/// </summary>
internal static class BackendArguments
{
    public static readonly string[] Names =
        ["backend", "qdrant-url", "qdrant-collection", "qdrant-api-key", "embed-url", "embed-model", "embed-dims", "embed-key",
         "rerank-url", "rerank-model", "rerank-key", "rerank-depth"];

    public static async Task<KnowledgeBase> OpenAsync(CliArguments args, string knowledge, string? data, RetrievalSettings? retrieval, CancellationToken ct)
    {
        var env = KnowledgeBackend.FromEnvironment(Environment.GetEnvironmentVariable, data, args.Get("synonyms"));
        var qdrantUrl = args.Get("qdrant-url");
        var qdrant = qdrantUrl is null
            ? env.Qdrant
            : new QdrantSettings(ParseUri(qdrantUrl, "--qdrant-url"), env.Qdrant?.Collection ?? "legalbot", env.Qdrant?.ApiKey);
        if (qdrant is not null)
            qdrant = qdrant with { Collection = args.Get("qdrant-collection") ?? qdrant.Collection, ApiKey = args.Get("qdrant-api-key") ?? qdrant.ApiKey };
        var embeddings = env.Embeddings;
        if (args.Get("embed-url") is { } embedUrl)
        {
            var dims = int.TryParse(args.Get("embed-dims"), NumberStyles.Integer, CultureInfo.InvariantCulture, out var d) ? d
                : throw new UsageException("--embed-url needs --embed-dims N");
            embeddings = new EmbeddingSettings(ParseUri(embedUrl, "--embed-url"), args.Get("embed-model") ?? throw new UsageException("--embed-url needs --embed-model NAME"),
                dims, args.Get("embed-key") ?? env.Embeddings?.ApiKey);
        }
        var rerank = env.Rerank;
        if (args.Get("rerank-url") is { } rerankUrl)
            rerank = new RerankSettings(ParseUri(rerankUrl, "--rerank-url"), args.Get("rerank-model") ?? throw new UsageException("--rerank-url needs --rerank-model NAME"),
                args.Get("rerank-key") ?? env.Rerank?.ApiKey);
        if (args.Get("rerank-depth") is { } depth)
        {
            if (rerank is null) throw new UsageException("--rerank-depth needs --rerank-url");
            rerank = rerank with { Depth = int.TryParse(depth, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) ? n : throw new UsageException("--rerank-depth takes a number") };
        }
        var settings = env with
        {
            Backend = args.Get("backend") ?? (qdrantUrl is not null ? KnowledgeBackendSettings.QdrantBackend : env.Backend),
            Qdrant = qdrant,
            Embeddings = embeddings,
            Rerank = rerank,
            Retrieval = retrieval,
            ForRebuild = args.Has("rebuild"),
        };
        return await KnowledgeBackend.OpenAsync(knowledge, settings, ct).ConfigureAwait(false);
    }

    /// <summary>Reranking falls back silently per question; a CLI run says so, or its figures would mislead.</summary>
    public static async Task ReportRerankFailuresAsync(KnowledgeBase kb, TextWriter stderr)
    {
        if (kb.Reranker is { Failures: > 0 } r)
            await stderr.WriteLineAsync($"legalbot: reranking failed {r.Failures} time(s), first-stage order kept; last: {r.LastProblem}").ConfigureAwait(false);
    }

    private static Uri ParseUri(string value, string flag) =>
        Uri.TryCreate(value, UriKind.Absolute, out var uri) ? uri : throw new UsageException($"{flag} takes an absolute URL");
}
