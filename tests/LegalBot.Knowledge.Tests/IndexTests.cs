using LegalBot.Knowledge.Index;
using LegalBot.Knowledge.Search;
using LegalBot.Knowledge.Text;

namespace LegalBot.Knowledge.Tests;

public class IndexTests
{
    private const string Wages = "---\ntitle: 讨薪指南\nkind: guide\n---\n\n## 老板拖欠工资\n\n可以向劳动监察投诉，或者申请劳动仲裁。\n";
    private const string Divorce = "---\ntitle: 离婚登记指南\nkind: guide\n---\n\n## 材料\n\n双方身份证、户口簿、结婚证。\n";

    private static async Task<KnowledgeBase> OpenAsync(TempKnowledge k, bool persist = true) =>
        await KnowledgeBase.OpenAsync(k.Folder, persist ? k.Data : null, cancellationToken: CancellationToken.None);

    [Fact]
    public async Task Incremental_add_change_delete()
    {
        using var k = new TempKnowledge();
        k.Write("guides/wages.md", Wages);
        using var kb = await OpenAsync(k);

        var first = await kb.RefreshAsync(CancellationToken.None);
        Assert.Equal((1, 0, 0, 1), (first.Changes.Added, first.Changes.Changed, first.Changes.Removed, first.FilesParsed));

        k.Write("guides/divorce.md", Divorce);
        var second = await kb.RefreshAsync(CancellationToken.None);
        Assert.Equal((1, 0, 0), (second.Changes.Added, second.Changes.Changed, second.Changes.Removed));
        Assert.Equal(1, second.FilesParsed);

        k.Write("guides/wages.md", Wages.Replace("劳动仲裁", "劳动争议仲裁", StringComparison.Ordinal));
        var third = await kb.RefreshAsync(CancellationToken.None);
        Assert.Equal((0, 1, 0), (third.Changes.Added, third.Changes.Changed, third.Changes.Removed));
        Assert.Contains("劳动争议仲裁", (await kb.SearchAsync("老板拖欠工资")).Best!.Chunk.Text, StringComparison.Ordinal);

        k.Delete("guides/divorce.md");
        var fourth = await kb.RefreshAsync(CancellationToken.None);
        Assert.Equal((0, 0, 1), (fourth.Changes.Added, fourth.Changes.Changed, fourth.Changes.Removed));
        Assert.Empty((await kb.SearchAsync("结婚证 户口簿")).Hits);

        var idle = await kb.RefreshAsync(CancellationToken.None);
        Assert.Equal((0, 0, 0, 0), (idle.Changes.Added, idle.Changes.Changed, idle.Changes.Removed, idle.FilesParsed));
    }

    [Fact]
    public async Task Restart_reuses_the_persisted_index_without_reparsing()
    {
        using var k = new TempKnowledge();
        k.Write("guides/wages.md", Wages);
        k.Write("laws/示例法.md", Samples.Statute);
        using (var kb = await OpenAsync(k)) await kb.RefreshAsync(CancellationToken.None);

        using var reopened = await OpenAsync(k);
        Assert.Equal(6, reopened.EmbeddedIndex!.ChunkCount);
        Assert.NotNull((await reopened.SearchAsync("七日内作出决定")).Best);
        var report = await reopened.RefreshAsync(CancellationToken.None);
        Assert.Equal(0, report.FilesParsed);
        Assert.Equal(2, report.FilesScanned);
    }

    [Fact]
    public async Task A_broken_edit_keeps_the_last_good_version_and_is_reported()
    {
        using var k = new TempKnowledge();
        k.Write("guides/wages.md", Wages);
        using var kb = await OpenAsync(k);
        await kb.RefreshAsync(CancellationToken.None);

        k.Write("guides/wages.md", "---\ntitle: 讨薪指南\nkind: nonsense\n---\n\n## 新内容\n\n新的文字。\n");
        var report = await kb.RefreshAsync(CancellationToken.None);
        Assert.Equal("guides/wages.md:3: unknown kind 'nonsense' (expected regulation, guide, handbook, office, matter, lesson, quiz or campaign): the file is not served", Assert.Single(report.Diagnostics).ToString());
        Assert.Equal(0, report.Changes.Removed);
        Assert.Contains("劳动仲裁", (await kb.SearchAsync("拖欠工资")).Best!.Chunk.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Good_files_are_indexed_and_bad_ones_reported_in_the_same_run()
    {
        using var k = new TempKnowledge();
        k.Write("guides/wages.md", Wages);
        k.Write("guides/empty.md", "---\ntitle: 空\nkind: guide\n---\n");
        k.WriteBytes("guides/gbk.md", [0xC0, 0xCF, 0xB0, 0xE5, 0x0A]);
        using var kb = await OpenAsync(k);
        var report = await kb.RefreshAsync(CancellationToken.None);
        Assert.Equal(1, report.Changes.Documents);
        Assert.Equal(["guides/empty.md", "guides/gbk.md"], report.Diagnostics.Select(d => d.Path).Order());
    }

    [Fact]
    public async Task Duplicate_ids_across_files_are_rejected()
    {
        using var k = new TempKnowledge();
        k.Write("a.md", "---\nid: same\ntitle: 甲\nkind: guide\n---\n\n甲的内容。\n");
        k.Write("b.md", "---\nid: same\ntitle: 乙\nkind: guide\n---\n\n乙的内容。\n");
        using var kb = await OpenAsync(k);
        var report = await kb.RefreshAsync(CancellationToken.None);
        Assert.Equal("b.md:1: duplicate id 'same' (also used by a.md)", Assert.Single(report.Diagnostics).ToString());
        Assert.Equal(1, report.Changes.Documents);
    }

    [Fact]
    public async Task An_unreadable_index_file_is_rebuilt_from_the_folder()
    {
        using var k = new TempKnowledge();
        k.Write("guides/wages.md", Wages);
        using (var kb = await OpenAsync(k)) await kb.RefreshAsync(CancellationToken.None);
        var stored = Assert.Single(Directory.GetFiles(Path.Combine(k.Data, "knowledge-index")));
        await File.WriteAllTextAsync(stored, "{ not json");
        using var reopened = await OpenAsync(k);
        Assert.NotNull(reopened.EmbeddedIndex!.LoadProblem);
        var report = await reopened.RefreshAsync(CancellationToken.None);
        Assert.Equal(1, report.Changes.Added);
        Assert.Empty(Directory.GetFiles(k.Data, "*.tmp-*", SearchOption.AllDirectories));
        Assert.Contains("劳动仲裁", (await reopened.SearchAsync("拖欠工资")).Best!.Chunk.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_failed_update_leaves_the_served_index_untouched()
    {
        using var k = new TempKnowledge();
        k.Write("guides/wages.md", Wages);
        using var kb = await OpenAsync(k);
        await kb.RefreshAsync(CancellationToken.None);
        k.Write("guides/divorce.md", Divorce);
        // Make the store impossible to write: the update must fail as a whole.
        var store = Path.Combine(k.Data, "knowledge-index");
        Directory.Delete(store, recursive: true);
        await File.WriteAllTextAsync(store, "");
        await Assert.ThrowsAnyAsync<IOException>(() => kb.RefreshAsync(CancellationToken.None));
        Assert.Single(await kb.Index.GetDocumentsAsync(CancellationToken.None));
        Assert.Empty((await kb.SearchAsync("结婚证 户口簿")).Hits);
    }

    [Fact]
    public async Task Searches_during_updates_see_whole_snapshots()
    {
        using var k = new TempKnowledge();
        k.Write("laws/示例法.md", Samples.Statute);
        using var kb = await OpenAsync(k, persist: false);
        await kb.RefreshAsync(CancellationToken.None);
        using var stop = new CancellationTokenSource();
        var reader = Task.Run(async () =>
        {
            var seen = 0;
            while (!stop.IsCancellationRequested)
            {
                var hits = (await kb.SearchAsync("法律援助 申请")).Hits;
                Assert.True(hits.Count >= 3);
                // Every hit of one search comes from one version of the file: no half-applied update.
                Assert.Single(hits.Select(h => h.Document.FileHash).Distinct());
                seen++;
            }
            return seen;
        });
        for (var i = 0; i < 20; i++)
        {
            k.Write("laws/示例法.md", Samples.Statute + $"\n第五条 第{i}次修改。\n");
            await kb.RefreshAsync(CancellationToken.None);
        }
        await stop.CancelAsync();
        Assert.True(await reader > 0);
    }

    [Fact]
    public void Embedded_scores_equal_the_sparse_dot_product_with_idf()
    {
        // The Qdrant backend reproduces the ranking from these two pieces; keep them exact.
        var doc = MarkdownParserFixture.Statute();
        var encoder = SparseEncoder.Default;
        var analyzed = doc.Chunks.Select(c => encoder.Analyze(c, doc.Info)).ToList();
        var snapshot = IndexSnapshot.Create(encoder).Apply([new IndexedDocument(doc, null)], []);
        var query = new QueryAnalyzer(SynonymTable.Empty).Analyze("经济困难申请法律援助");
        var hits = snapshot.Search(query.Sparse, null, 10);
        var avg = SparseEncoder.AverageLengths(analyzed);
        foreach (var hit in hits)
        {
            var vector = encoder.Encode(analyzed.Single(a => a.Chunk.Id == hit.Chunk.Id), avg);
            var expected = query.Sparse.Terms.Sum(t => vector.TryGetValue(t.Key, out var w)
                ? t.Value * w * SparseEncoder.Idf(analyzed.Count, analyzed.Count(a => a.Terms.Contains(t.Key)))
                : 0);
            Assert.Equal(expected, hit.Score, 3);
        }
        Assert.Equal("第三条", hits[0].Chunk.ArticleLabel);
    }
}

internal static class MarkdownParserFixture
{
    public static Documents.KnowledgeDocument Statute() =>
        Documents.MarkdownDocumentParser.Parse("laws/示例法.md", System.Text.Encoding.UTF8.GetBytes(Samples.Statute)).Document!;
}
