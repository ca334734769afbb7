using System.Numerics.Tensors;
using LegalBot.Knowledge.Documents;
using Microsoft.Extensions.AI;

namespace LegalBot.Knowledge.Embeddings;

/// <summary>
/// Dense vectors for chunks and questions through any <see cref="IEmbeddingGenerator{TInput, TEmbedding}"/>
/// (an OpenAI-compatible endpoint in production). Chunks are sent in batches and cached by content hash;
/// every vector is L2-normalised, so cosine similarity is a dot product in both backends.
/// </summary>
public sealed class ChunkEmbedder(IEmbeddingGenerator<string, Embedding<float>> generator, EmbeddingCache cache, int dimensions, int batchSize = 64)
{
    public int Dimensions { get; } = dimensions > 0 ? dimensions : throw new ArgumentOutOfRangeException(nameof(dimensions));
    public EmbeddingCache Cache { get; } = cache;

    /// <summary>What is embedded for a chunk: the law or guide title, its heading path and article label, then the text.</summary>
    public static string TextOf(KnowledgeChunk chunk, DocumentInfo document)
    {
        var head = string.Join(" ", new[] { document.Title }.Concat(chunk.HeadingPath).Append(chunk.ArticleLabel ?? "")
            .Where(s => !string.IsNullOrEmpty(s)));
        return head + "\n" + chunk.Text;
    }

    public async Task<float[][]> EmbedChunksAsync(IReadOnlyList<KnowledgeChunk> chunks, DocumentInfo document, CancellationToken cancellationToken)
    {
        var texts = chunks.Select(c => TextOf(c, document)).ToList();
        return await EmbedAsync(texts, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Embeds a question. Not cached: questions rarely repeat and are citizens' words, not knowledge.</summary>
    public async Task<float[]> EmbedQueryAsync(string question, CancellationToken cancellationToken) =>
        (await GenerateAsync([question], cancellationToken).ConfigureAwait(false))[0];

    /// <summary>Embeds <paramref name="texts"/>, asking the endpoint only for those not cached.</summary>
    public async Task<float[][]> EmbedAsync(IReadOnlyList<string> texts, CancellationToken cancellationToken)
    {
        var result = new float[texts.Count][];
        var keys = texts.Select(Cache.Key).ToArray();
        var missing = new List<int>();
        for (var i = 0; i < texts.Count; i++)
        {
            if (Cache.TryGet(keys[i], out var v)) result[i] = v;
            else missing.Add(i);
        }
        foreach (var batch in missing.Chunk(batchSize))
        {
            var vectors = await GenerateAsync(batch.Select(i => texts[i]).ToList(), cancellationToken).ConfigureAwait(false);
            for (var k = 0; k < batch.Length; k++)
            {
                Cache.Add(keys[batch[k]], vectors[k]);
                result[batch[k]] = vectors[k];
            }
        }
        return result;
    }

    private async Task<float[][]> GenerateAsync(List<string> texts, CancellationToken cancellationToken)
    {
        GeneratedEmbeddings<Embedding<float>> generated;
        try
        {
            generated = await generator.GenerateAsync(texts, new EmbeddingGenerationOptions { Dimensions = Dimensions }, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not EmbeddingException && !cancellationToken.IsCancellationRequested)
        {
            // The connector's own exception types (HTTP status, timeouts, JSON) stay behind this boundary.
            throw new EmbeddingException($"the embedding endpoint failed: {ex.Message}", ex);
        }
        if (generated.Count != texts.Count)
            throw new EmbeddingException($"the embedding endpoint returned {generated.Count} vectors for {texts.Count} texts");
        var result = new float[texts.Count][];
        for (var k = 0; k < texts.Count; k++)
        {
            var vector = generated[k].Vector.ToArray();
            if (vector.Length != Dimensions)
                throw new EmbeddingException($"the embedding endpoint returned {vector.Length} dimensions, configured {Dimensions}");
            Normalize(vector);
            result[k] = vector;
        }
        return result;
    }

    private static void Normalize(float[] vector)
    {
        var norm = TensorPrimitives.Norm(vector);
        if (norm > 0) TensorPrimitives.Divide(vector, norm, vector);
    }
}

/// <summary>The embedding endpoint answered, but not with usable vectors.</summary>
public sealed class EmbeddingException : Exception
{
    public EmbeddingException() { }
    public EmbeddingException(string message) : base(message) { }
    public EmbeddingException(string message, Exception inner) : base(message, inner) { }
}
