using LegalBot.Knowledge.Documents;
using LegalBot.Knowledge.Text;

namespace LegalBot.Knowledge.Index;

/// <summary>BM25F parameters. Field weights scale term frequencies before saturation.</summary>
public sealed record Bm25Parameters(float K1 = 1.2f, float B = 0.75f, float TitleWeight = 1.0f, float HeadingWeight = 1.5f, float BodyWeight = 1.0f)
{
    public static Bm25Parameters Default { get; } = new();
}

/// <summary>A chunk reduced to weighted term frequencies and its length (the part of BM25F that depends on the chunk alone).</summary>
public sealed record AnalyzedChunk(KnowledgeChunk Chunk, DocumentInfo Document, IReadOnlyDictionary<string, float> TermFrequencies, float Length);

/// <summary>
/// Turns chunks into sparse vectors. Document side: BM25F saturated term frequency
/// tf'·(k1+1)/(tf' + k1·(1−b+b·len/avgLen)), with tf' summed over fields by field weight.
/// The IDF factor ln(1 + (N−n+0.5)/(n+0.5)) is applied at search time — exactly what Qdrant's
/// sparse vectors with <c>modifier: idf</c> compute, so both backends rank alike.
/// </summary>
public sealed class SparseEncoder(Tokenizer tokenizer, Bm25Parameters parameters)
{
    public static SparseEncoder Default { get; } = new(Tokenizer.Default, Bm25Parameters.Default);

    public Tokenizer Tokenizer { get; } = tokenizer;
    public Bm25Parameters Parameters { get; } = parameters;

    public AnalyzedChunk Analyze(KnowledgeChunk chunk, DocumentInfo document)
    {
        var tf = new Dictionary<string, float>(StringComparer.Ordinal);
        var titleText = document.Part is null ? document.Title : document.Title + " " + document.Part;
        Add(tf, Tokenizer.Analyze(titleText), Parameters.TitleWeight);
        var headings = document.Part is null ? chunk.HeadingPath : chunk.HeadingPath.Where(h => h != document.Part);
        Add(tf, Tokenizer.Analyze(string.Join(' ', headings)), Parameters.HeadingWeight);
        var body = Tokenizer.Analyze(chunk.Text);
        Add(tf, body, Parameters.BodyWeight);
        // Length normalisation uses the body only: every article of a statute shares its title,
        // and long chapter names should not penalise the articles under them.
        return new AnalyzedChunk(chunk, document, tf, body.Count);
    }

    /// <summary>Document-side weight of one term.</summary>
    public float Weight(float termFrequency, float length, float averageLength)
    {
        var k1 = Parameters.K1;
        var norm = k1 * (1 - Parameters.B + Parameters.B * length / Math.Max(averageLength, 1f));
        return termFrequency * (k1 + 1) / (termFrequency + norm);
    }

    /// <summary>BM25 IDF as Qdrant's IDF modifier computes it.</summary>
    public static float Idf(int documentCount, int documentFrequency) =>
        (float)Math.Log(1 + (documentCount - documentFrequency + 0.5) / (documentFrequency + 0.5));

    private static void Add(Dictionary<string, float> tf, List<string> terms, float weight)
    {
        if (weight == 0) return;
        foreach (var t in terms)
        {
            tf[t] = tf.TryGetValue(t, out var v) ? v + weight : weight;
        }
    }
}
