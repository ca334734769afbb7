using LegalBot.Knowledge.Documents;
using LegalBot.Knowledge.Index;
using LegalBot.Knowledge.Search;
using LegalBot.Knowledge.Text;

namespace LegalBot.Knowledge.Tests;

/// <summary>
/// One scoring pass ranked under several filters (what the retriever's named-statute and whole-corpus searches
/// share) must give exactly the lists of separate searches: same chunks, same scores, same order.
/// </summary>
public class MultiSearchTests
{
    private static readonly Lazy<List<KnowledgeDocument>> Laws = new(() =>
        KnowledgeFolderIndexer.ParseAllAsync(TestPaths.CorpusLaws, CancellationToken.None).GetAwaiter().GetResult().Documents
            .OrderBy(d => d.Info.Id, StringComparer.Ordinal).ToList());

    private static readonly string[] Questions = ["劳动合同法 经济补偿怎么算", "老板拖欠工资怎么办", "民法典 离婚后孩子抚养费", "法律援助 经济困难"];

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Each_request_ranks_as_its_own_search_over_segments(bool vectors)
    {
        var documents = Laws.Value.Select(d => new IndexedDocument(d, vectors ? Vectors(d) : null)).ToList();
        // Two segments with a deletion, so per-segment factors and deleted chunks are exercised too.
        var snapshot = IndexSnapshot.Create(SparseEncoder.Default)
            .Apply(documents.SkipLast(2).ToList(), [])
            .Apply(documents.TakeLast(2).ToList(), [documents[0].Id]);
        Assert.True(snapshot.SegmentCount > 1);
        var labour = snapshot.Documents.Where(d => d.Title.Contains("劳动", StringComparison.Ordinal)).Select(d => d.Id).ToHashSet(StringComparer.Ordinal);
        Assert.NotEmpty(labour);
        SearchRequest[] requests =
        [
            new(new SearchFilter(DocumentIds: labour), 10),
            new(null, 50),
            new(new SearchFilter(Kinds: new HashSet<DocumentKind> { DocumentKind.Guide }), 5),
            new(null, 0),
        ];
        foreach (var question in Questions)
        {
            var query = new IndexQuery(new QueryAnalyzer(SynonymTable.Empty).Analyze(question).Sparse, vectors ? Vector(question.Length) : null);
            var together = snapshot.Search(query, requests);
            Assert.Equal(requests.Length, together.Count);
            for (var r = 0; r < requests.Length; r++)
            {
                var alone = snapshot.Search(query, requests[r].Filter, requests[r].Top);
                Assert.Equal(alone.Select(h => (h.Chunk.Id, h.Score)), together[r].Select(h => (h.Chunk.Id, h.Score)));
            }
            Assert.NotEmpty(together[0]);
            Assert.All(together[0], h => Assert.Contains(h.Document.Id, labour));
        }
    }

    private static float[][] Vectors(KnowledgeDocument document) =>
        document.Chunks.Select(c => Vector(c.Text.Length + c.Ordinal)).ToArray();

    private static float[] Vector(int seed) => [MathF.Sin(seed), MathF.Cos(seed), MathF.Sin(seed * 0.7f), 1f];
}
