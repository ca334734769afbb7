using LegalBot.Knowledge.Search;

namespace LegalBot.Knowledge.Tests.Qdrant;

/// <summary>
/// The target: with embeddings off, the Qdrant and embedded backends rank the services-dev
/// questions the same over the statute corpus (same term weights, IDF computed by Qdrant: the gRPC fake, or a live server
/// when QDRANT_URL is set).
/// </summary>
public class BackendEquivalenceTests
{
    public static TheoryData<string> Servers => QdrantServer.All();

    [Theory, MemberData(nameof(Servers))]
    public async Task Qdrant_ranks_the_services_questions_as_the_embedded_index_does(string server)
    {
        const string file = "services-dev.jsonl";
        var questions = Evaluation.ParseQuestions(await File.ReadAllTextAsync(TestPaths.Eval(file)), file);

        using var embedded = await KnowledgeBase.OpenAsync(TestPaths.CorpusLaws, null, TestPaths.Synonyms);
        await embedded.RefreshAsync(CancellationToken.None);

        await using var qdrant = await QdrantServer.StartAsync(server);
        var encoder = KnowledgeBase.CreateEncoder(RetrievalSettings.Default);
        using var index = await qdrant.OpenAsync(qdrant.NewAlias(), encoder: encoder);
        using var overQdrant = await KnowledgeBase.OpenAsync(TestPaths.CorpusLaws, index, encoder, null, TestPaths.Synonyms, null, CancellationToken.None);
        var report = await overQdrant.RefreshAsync(CancellationToken.None);
        Assert.DoesNotContain(report.Diagnostics, d => !d.IsWarning);
        Assert.Equal(embedded.EmbeddedIndex!.ChunkCount, report.Changes.Chunks);

        var differing = new List<string>();
        foreach (var q in questions)
        {
            var a = await embedded.SearchAsync(q.Question);
            var b = await overQdrant.SearchAsync(q.Question);
            if (!a.Hits.Select(h => h.Chunk.Id).SequenceEqual(b.Hits.Select(h => h.Chunk.Id))) differing.Add(q.Question);
        }
        Assert.Empty(differing);
        Assert.Equal(Evaluation.Score(await Evaluation.RunAsync(embedded.Retriever, questions, CancellationToken.None)),
            Evaluation.Score(await Evaluation.RunAsync(overQdrant.Retriever, questions, CancellationToken.None)));
        Assert.Empty(qdrant.FakeServer?.Violations ?? []);
    }
}
