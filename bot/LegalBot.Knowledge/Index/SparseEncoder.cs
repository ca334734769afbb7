using LegalBot.Knowledge.Documents;
using LegalBot.Knowledge.Text;

namespace LegalBot.Knowledge.Index;

/// <summary>
/// BM25F parameters. A chunk has five fields: the document title, its heading path, its lead paragraph
/// (an article's stem — "有下列情形之一的，…可以申请行政复议：" — or a section's first paragraph), the rest
/// (further paragraphs, enumerated items), and the ways citizens ask what it answers (a matter's 常见问法).
/// Each field is length-normalised on its own, so a long list of items does not bury the stem that states what
/// the article is about. Question wordings are not length-normalised: every matter has a dozen or more, and
/// they are the strongest evidence that a citizen's words mean this problem.
/// </summary>
public sealed record Bm25Parameters(
    float K1 = 1.2f,
    float TitleWeight = 1.0f,
    float HeadingWeight = 2.5f,
    float LeadWeight = 2.0f,
    float RestWeight = 1.0f,
    float LeadB = 0.75f,
    float RestB = 0.5f,
    float QuestionWeight = 3.0f,
    float QuestionB = 0f)
{
    public static Bm25Parameters Default { get; } = new();

    /// <summary>The weight of field <paramref name="field"/> (an <see cref="AnalyzedChunk"/> field index).</summary>
    public float FieldWeight(int field) => field switch
    {
        AnalyzedChunk.Title => TitleWeight,
        AnalyzedChunk.Heading => HeadingWeight,
        AnalyzedChunk.Lead => LeadWeight,
        AnalyzedChunk.Rest => RestWeight,
        AnalyzedChunk.Questions => QuestionWeight,
        _ => throw new ArgumentOutOfRangeException(nameof(field)),
    };

    /// <summary>The length-normalisation strength b of a field (titles and headings are not normalised).</summary>
    public float FieldB(int field) => field switch
    {
        AnalyzedChunk.Title or AnalyzedChunk.Heading => 0f,
        AnalyzedChunk.Lead => LeadB,
        AnalyzedChunk.Rest => RestB,
        AnalyzedChunk.Questions => QuestionB,
        _ => throw new ArgumentOutOfRangeException(nameof(field)),
    };
}

/// <summary>Per-field term frequencies of one chunk (the part of BM25F that depends on the chunk alone).</summary>
public sealed record AnalyzedChunk(
    KnowledgeChunk Chunk,
    DocumentInfo Document,
    IReadOnlyDictionary<string, float>[] FieldFrequencies,
    int[] FieldLengths)
{
    public const int Title = 0, Heading = 1, Lead = 2, Rest = 3, Questions = 4, FieldCount = 5;

    public IEnumerable<string> Terms => FieldFrequencies.SelectMany(f => f.Keys).Distinct(StringComparer.Ordinal);
}

/// <summary>
/// Turns chunks into sparse vectors. Document side: BM25F pseudo-frequency
/// tf' = Σ_f w_f·tf_f / (1 − b_f + b_f·len_f/avgLen_f), saturated as tf'·(k1+1)/(tf'+k1).
/// The IDF factor ln(1 + (N−n+0.5)/(n+0.5)) is applied at search time — exactly what Qdrant's sparse
/// vectors with <c>modifier: idf</c> compute, so both backends rank alike.
/// </summary>
public sealed class SparseEncoder(Tokenizer tokenizer, Bm25Parameters parameters)
{
    public static SparseEncoder Default { get; } = new(Tokenizer.Default, Bm25Parameters.Default);

    public Tokenizer Tokenizer { get; } = tokenizer;
    public Bm25Parameters Parameters { get; } = parameters;

    public AnalyzedChunk Analyze(KnowledgeChunk chunk, DocumentInfo document)
    {
        var fields = Tokenize(chunk, document);
        return new AnalyzedChunk(chunk, document, fields.Select(Count).ToArray(), fields.Select(f => f.Count).ToArray());
    }

    /// <summary>The tokens of each field of a chunk (<see cref="AnalyzedChunk.Title"/> … <see cref="AnalyzedChunk.Questions"/>).</summary>
    public List<string>[] Tokenize(KnowledgeChunk chunk, DocumentInfo document)
    {
        var titleText = document.Part is null ? document.Title : document.Title + " " + document.Part;
        var headings = document.Part is null ? chunk.HeadingPath : chunk.HeadingPath.Where(h => h != document.Part);
        var newline = chunk.Text.IndexOf('\n', StringComparison.Ordinal);
        var lead = newline < 0 ? chunk.Text : chunk.Text[..newline];
        // A guide section's own heading is the question it answers ("需要带的材料"): it counts as lead text.
        // A statute's headings are broad chapter names and stay in the heading field.
        if (chunk.ArticleLabel is null && chunk.HeadingPath.Count > 0) lead = chunk.HeadingPath[^1] + " " + lead;
        var rest = newline < 0 ? "" : chunk.Text[(newline + 1)..];
        return [Tokenizer.Analyze(titleText), Tokenizer.Analyze(string.Join(' ', headings)), Tokenizer.Analyze(lead),
            Tokenizer.Analyze(rest), Tokenizer.Analyze(string.Join('\n', chunk.QuestionVariants))];
    }

    /// <summary>Average length of each field over a corpus (what BM25F normalises by).</summary>
    public static float[] AverageLengths(IReadOnlyCollection<AnalyzedChunk> chunks)
    {
        var sums = new long[AnalyzedChunk.FieldCount];
        foreach (var c in chunks)
            for (var f = 0; f < sums.Length; f++) sums[f] += c.FieldLengths[f];
        return AverageLengths(sums, chunks.Count);
    }

    /// <summary>Average field lengths from running totals (what an incrementally updated index keeps).</summary>
    public static float[] AverageLengths(ReadOnlySpan<long> lengthSums, long chunkCount)
    {
        var avg = new float[AnalyzedChunk.FieldCount];
        if (chunkCount == 0) return [1, 1, 1, 1, 1];
        for (var f = 0; f < avg.Length; f++) avg[f] = Math.Max(1f, (float)((double)lengthSums[f] / chunkCount));
        return avg;
    }

    /// <summary>BM25F factor of one field: w_f / (1 − b_f + b_f·len_f/avgLen_f).</summary>
    public float FieldNorm(int field, int length, float averageLength)
    {
        var b = Parameters.FieldB(field);
        return Parameters.FieldWeight(field) / (1 - b + b * length / averageLength);
    }

    /// <summary>The chunk's sparse vector: term → document-side weight (before IDF).</summary>
    public Dictionary<string, float> Encode(AnalyzedChunk chunk, float[] averageLengths)
    {
        var p = Parameters;
        Span<float> norm = stackalloc float[AnalyzedChunk.FieldCount];
        for (var f = 0; f < norm.Length; f++) norm[f] = FieldNorm(f, chunk.FieldLengths[f], averageLengths[f]);

        var pseudo = new Dictionary<string, float>(StringComparer.Ordinal);
        for (var f = 0; f < AnalyzedChunk.FieldCount; f++)
        {
            if (norm[f] == 0) continue;
            foreach (var (term, tf) in chunk.FieldFrequencies[f])
                pseudo[term] = pseudo.GetValueOrDefault(term) + tf * norm[f];
        }
        foreach (var term in pseudo.Keys.ToList())
        {
            var t = pseudo[term];
            pseudo[term] = t * (p.K1 + 1) / (t + p.K1);
        }
        return pseudo;
    }

    /// <summary>BM25 IDF as Qdrant's IDF modifier computes it.</summary>
    public static float Idf(int documentCount, int documentFrequency) =>
        (float)Math.Log(1 + (documentCount - documentFrequency + 0.5) / (documentFrequency + 0.5));

    private static Dictionary<string, float> Count(List<string> terms)
    {
        var tf = new Dictionary<string, float>(StringComparer.Ordinal);
        foreach (var t in terms) tf[t] = tf.GetValueOrDefault(t) + 1;
        return tf;
    }
}
