using System.Text;
using LegalBot.Knowledge.Documents;
using LegalBot.Knowledge.Index;
using LegalBot.Knowledge.Search;
using LegalBot.Knowledge.Text;

namespace LegalBot.Knowledge.Tests;

/// <summary>
/// The segmented embedded index against the definition of its ranking: BM25F vectors from
/// <see cref="SparseEncoder.Encode"/> over the whole corpus, times query weight × IDF, ties by chunk order in
/// document-id order (what the single-array index computed before segments). Over the real statutes.
/// </summary>
public class IncrementalIndexTests
{
    private static readonly SparseEncoder Encoder = SparseEncoder.Default;
    private static readonly Lazy<List<KnowledgeDocument>> Laws = new(() =>
        KnowledgeFolderIndexer.ParseAllAsync(TestPaths.CorpusLaws, CancellationToken.None).GetAwaiter().GetResult().Documents
            .OrderBy(d => d.Info.Id, StringComparer.Ordinal).ToList());

    private static readonly string[] Questions =
    [
        "经济困难申请法律援助", "老板拖欠工资怎么办", "离婚后孩子抚养费", "邻居噪音扰民", "劳动合同到期不续签有补偿吗",
        "交通事故责任认定不服", "网购退货七天无理由", "家暴可以申请人身安全保护令吗", "行政复议的期限", "遗嘱继承和法定继承",
        "个人信息被泄露", "公证遗嘱", "人民调解协议的效力", "合同违约金过高", "借钱不还",
    ];

    [Fact]
    public void A_full_build_ranks_exactly_as_the_corpus_wide_sparse_vectors()
    {
        var snapshot = Build(Laws.Value);
        foreach (var question in Questions) AssertSameRanking(Reference(Laws.Value, question), snapshot, question);
    }

    [Fact]
    public void Change_add_and_remove_give_exactly_the_ranking_of_a_full_rebuild()
    {
        var all = Laws.Value;
        var removed = all.Single(d => d.Info.SourcePath.EndsWith("公证法(2017-09-01).md", StringComparison.Ordinal));
        var changedBefore = all.Single(d => d.Info.SourcePath.EndsWith("法律援助法(2021-08-20).md", StringComparison.Ordinal));
        var addedLater = all.Single(d => d.Info.SourcePath.EndsWith("人民调解法(2010-08-28).md", StringComparison.Ordinal));
        var changedAfter = Reparse(changedBefore, text => text.Replace("经济困难", "经济确有困难", StringComparison.Ordinal) + "\n第七十二条 本法所称困难群众包括低保对象。\n");

        var incremental = Build(all.Where(d => d != addedLater).ToList())
            .Apply([new IndexedDocument(changedAfter, null)], [])
            .Apply([new IndexedDocument(addedLater, null)], [])
            .Apply([], [removed.Info.Id]);
        var final = all.Where(d => d != removed && d != changedBefore).Append(changedAfter).ToList();
        var rebuilt = Build(final);

        Assert.True(incremental.SegmentCount > 1, "the updates must have gone to segments of their own");
        Assert.Equal(rebuilt.ChunkCount, incremental.ChunkCount);
        Assert.Equal(rebuilt.AverageLengths, incremental.AverageLengths);
        Assert.Equal(rebuilt.Documents.Select(d => d.Id), incremental.Documents.Select(d => d.Id));
        foreach (var question in Questions.Append("经济确有困难 困难群众 低保对象").Append("公证机构"))
        {
            var query = Query(question);
            var expected = rebuilt.Search(query, null, 20);
            var actual = incremental.Search(query, null, 20);
            Assert.Equal(expected.Select(h => (h.Chunk.Id, h.Score)), actual.Select(h => (h.Chunk.Id, h.Score)));
            AssertSameRanking(Reference(final, question), incremental, question);
        }
        Assert.DoesNotContain(incremental.Search(Query("公证机构 公证员"), null, 50), h => h.Document.Id == removed.Info.Id);
    }

    [Fact]
    public void Reindexing_one_file_touches_only_that_files_postings()
    {
        var all = Laws.Value;
        var before = Build(all);
        var target = all.Single(d => d.Info.SourcePath.EndsWith("法律援助法(2021-08-20).md", StringComparison.Ordinal));
        var edited = Reparse(target, text => text + "\n第七十二条 本法自公布之日起施行。\n");

        var after = before.Apply([new IndexedDocument(edited, null)], []);

        var old = Assert.Single(before.Segments);
        Assert.Equal(2, after.SegmentCount);
        // The big segment is shared as it is (same object, postings untouched); the new one holds the edit alone.
        Assert.Same(old, after.Segments.First());
        var fresh = after.Segments.Last();
        Assert.Equal([edited.Info.Id], fresh.Documents.Select(d => d.Id));
        Assert.Equal(IndexSegment.Build([new IndexedDocument(edited, null)], Encoder).PostingCount, fresh.PostingCount);
        Assert.True(fresh.PostingCount * 20 < old.PostingCount);
        Assert.Equal(target.Chunks.Count - edited.Chunks.Count, before.ChunkCount - after.ChunkCount);
    }

    [Fact]
    public void Repeated_edits_keep_few_segments_and_drop_dead_versions()
    {
        var all = Laws.Value;
        var snapshot = Build(all);
        var target = all.Single(d => d.Info.SourcePath.EndsWith("反家庭暴力法(2015-12-27).md", StringComparison.Ordinal));
        var others = all.Where(d => d != target).Take(6).ToList();
        for (var i = 0; i < 30; i++)
        {
            var edited = Reparse(target, text => text + $"\n第五十条 第{i}次修改。\n");
            // Other documents change too, so small segments pile up and must be merged.
            var other = others[i % others.Count];
            snapshot = snapshot.Apply([new IndexedDocument(edited, null), new IndexedDocument(Reparse(other, t => t + $"\n附：第{i}版。\n"), null)], []);
            Assert.True(snapshot.SegmentCount <= 6, $"{snapshot.SegmentCount} segments after {i + 1} edits");
        }
        var live = snapshot.Segments.Sum(s => s.Chunks.Length);
        Assert.True(live <= 2 * snapshot.ChunkCount, $"{live} chunks held for {snapshot.ChunkCount} live ones");
        Assert.Equal(all.Count, snapshot.Documents.Length);
    }

    private static IndexSnapshot Build(IReadOnlyCollection<KnowledgeDocument> documents) =>
        IndexSnapshot.Create(Encoder).Apply(documents.Select(d => new IndexedDocument(d, null)).ToList(), []);

    private static SparseQuery Query(string question) => new QueryAnalyzer(SynonymTable.Empty).Analyze(question).Sparse;

    private static KnowledgeDocument Reparse(KnowledgeDocument document, Func<string, string> edit)
    {
        var text = File.ReadAllText(Path.Combine(TestPaths.CorpusLaws, document.Info.SourcePath));
        var result = MarkdownDocumentParser.Parse(document.Info.SourcePath, Encoding.UTF8.GetBytes(edit(text)));
        Assert.Empty(result.Diagnostics);
        return result.Document!;
    }

    /// <summary>The ranking by definition: one vector per chunk with corpus-wide averages, IDF over all chunks.</summary>
    private static List<(string ChunkId, float Score)> Reference(IReadOnlyList<KnowledgeDocument> documents, string question)
    {
        var analyzed = documents.OrderBy(d => d.Info.Id, StringComparer.Ordinal)
            .SelectMany(d => d.Chunks.Select(c => Encoder.Analyze(c, d.Info))).ToList();
        var averages = SparseEncoder.AverageLengths(analyzed);
        var vectors = analyzed.Select(a => Encoder.Encode(a, averages)).ToList();
        var df = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var v in vectors)
            foreach (var term in v.Keys) df[term] = df.GetValueOrDefault(term) + 1;
        var scores = new float[vectors.Count];
        foreach (var (term, weight) in Query(question).Terms)
        {
            if (!df.TryGetValue(term, out var n)) continue;
            var w = weight * SparseEncoder.Idf(vectors.Count, n);
            for (var i = 0; i < vectors.Count; i++)
                if (vectors[i].TryGetValue(term, out var x)) scores[i] += w * x;
        }
        return scores.Select((s, i) => (analyzed[i].Chunk.Id, s, i)).Where(x => x.s > 0)
            .OrderByDescending(x => x.s).ThenBy(x => x.i).Take(20).Select(x => (x.Id, x.s)).ToList();
    }

    private static void AssertSameRanking(List<(string ChunkId, float Score)> expected, IndexSnapshot snapshot, string question)
    {
        var actual = snapshot.Search(Query(question), null, 20).Select(h => (h.Chunk.Id, (float)h.Score)).ToList();
        Assert.True(expected.Count > 0, question);
        Assert.Equal(expected, actual);
    }
}
