using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using LegalBot.Knowledge;
using LegalBot.Knowledge.Documents;
using LegalBot.Knowledge.Index;
using LegalBot.Knowledge.Search;
using Lucene.Net.Analysis;
using Lucene.Net.Analysis.Cn.Smart;
using Lucene.Net.Analysis.TokenAttributes;
using Lucene.Net.Documents;
using Lucene.Net.Index;
using Lucene.Net.Search;
using Lucene.Net.Search.Similarities;
using Lucene.Net.Store;
using Lucene.Net.Util;
using LuceneDirectory = Lucene.Net.Store.Directory;

// The benchmark's peer: Lucene.Net 4.8 with SmartCn (BM25) indexing the same chunks as `legalbot bench`,
// measured the same way: cold index in memory, re-index after one changed file (persisted), query latency,
// peak memory. Run it on the folder `legalbot bench --scale N --keep DIR` left (tests/bench/index.sh does both).
var options = Options.Parse(args);
Console.WriteLine($"peer: Lucene.Net 4.8.0-beta00017 + SmartCn, BM25; {Environment.ProcessorCount} cores, {RuntimeInformation.OSDescription}, {RuntimeInformation.FrameworkDescription}");

var cold = new List<double>();
var coldCpu = new List<double>();
var chunkCount = 0;
for (var i = 0; i <= options.Rounds; i++)
{
    var cpu = Stats.CpuTime();
    var sw = Stopwatch.StartNew();
    using var ram = new RAMDirectory();
    var (documents, _, _) = await KnowledgeFolderIndexer.ParseAllAsync(options.Knowledge, CancellationToken.None);
    using (var writer = Peer.OpenWriter(ram)) { foreach (var d in documents) writer.AddDocuments(Peer.ToLucene(d)); writer.Commit(); }
    using var reader = DirectoryReader.Open(ram);
    sw.Stop();
    chunkCount = reader.NumDocs;
    if (i > 0)
    {
        cold.Add(sw.Elapsed.TotalMilliseconds);
        coldCpu.Add((Stats.CpuTime() - cpu).TotalMilliseconds);
    }
}
Console.WriteLine(Peer.F($"cold index (in memory, {chunkCount} chunks): median {Stats.Median(cold):F0} ms over {options.Rounds} runs (first run with JIT excluded), CPU {Stats.Median(coldCpu):F0} ms"));

// Re-index after one changed file, in a scratch copy with the index on disk: scan and hash the folder as the bot's
// indexer does, re-parse the changed file, replace its chunks, commit, reopen the reader.
var scratch = Path.Combine(Path.GetTempPath(), "legalbot-peer-" + Guid.NewGuid().ToString("N"));
try
{
    var folder = Path.Combine(scratch, "knowledge");
    Peer.CopyFolder(options.Knowledge, folder);
    using var fs = FSDirectory.Open(Path.Combine(scratch, "lucene"));
    using var writer = Peer.OpenWriter(fs);
    var hashes = new Dictionary<string, string>(StringComparer.Ordinal);
    foreach (var file in KnowledgeFolder.EnumerateDocuments(folder).Files)
    {
        var bytes = await File.ReadAllBytesAsync(file.FullPath);
        hashes[file.RelativePath] = Convert.ToHexStringLower(SHA256.HashData(bytes));
        if (MarkdownDocumentParser.Parse(file.RelativePath, bytes).Document is { } doc) writer.AddDocuments(Peer.ToLucene(doc));
    }
    writer.Commit();
    var reader = DirectoryReader.Open(fs);
    var target = KnowledgeFolder.EnumerateDocuments(folder).Files.OrderByDescending(f => f.Length).First();
    var reindex = new List<double>();
    var reindexCpu = new List<double>();
    for (var i = 0; i < options.Rounds; i++)
    {
        await File.AppendAllTextAsync(target.FullPath, $"\n\n本段为基准测试追加内容{i}。\n");
        var cpu = Stats.CpuTime();
        var sw = Stopwatch.StartNew();
        var changed = 0;
        foreach (var file in KnowledgeFolder.EnumerateDocuments(folder).Files)
        {
            var bytes = await File.ReadAllBytesAsync(file.FullPath);
            var hash = Convert.ToHexStringLower(SHA256.HashData(bytes));
            if (hashes.GetValueOrDefault(file.RelativePath) == hash) continue;
            hashes[file.RelativePath] = hash;
            if (MarkdownDocumentParser.Parse(file.RelativePath, bytes).Document is not { } doc) continue;
            writer.UpdateDocuments(new Term(Peer.DocumentField, doc.Info.Id), Peer.ToLucene(doc));
            changed++;
        }
        writer.Commit();
        var reopened = DirectoryReader.OpenIfChanged(reader);
        if (reopened is not null) { reader.Dispose(); reader = reopened; }
        reindex.Add(sw.Elapsed.TotalMilliseconds);
        reindexCpu.Add((Stats.CpuTime() - cpu).TotalMilliseconds);
        if (changed != 1) Console.Error.WriteLine("warning: expected exactly one changed document");
    }
    reader.Dispose();
    Console.WriteLine(Peer.F($"re-index after one changed file ({target.RelativePath}): median {Stats.Median(reindex):F0} ms over {options.Rounds} runs, CPU {Stats.Median(reindexCpu):F0} ms"));
}
finally
{
    System.IO.Directory.Delete(scratch, recursive: true);
}

// Query latency, single-threaded, top 10, over an in-memory index of the folder.
using var queryDirectory = new RAMDirectory();
var (all, _, _) = await KnowledgeFolderIndexer.ParseAllAsync(options.Knowledge, CancellationToken.None);
using (var writer = Peer.OpenWriter(queryDirectory)) { foreach (var d in all) writer.AddDocuments(Peer.ToLucene(d)); writer.Commit(); }
all = null;
using var queryReader = DirectoryReader.Open(queryDirectory);
var searcher = new IndexSearcher(queryReader) { Similarity = new BM25Similarity() };
var questions = options.Questions is { } q
    ? Evaluation.ParseQuestions(await File.ReadAllTextAsync(q), q).Select(x => x.Question).ToList()
    : throw new ArgumentException("--questions FILE is required");
using var analyzer = new SmartChineseAnalyzer(Peer.Version);
foreach (var question in questions.Take(50)) searcher.Search(Peer.Query(analyzer, question), 10);
var latencies = new List<double>(questions.Count * 3);
for (var pass = 0; pass < 3; pass++)
{
    foreach (var question in questions)
    {
        var t0 = Stopwatch.GetTimestamp();
        searcher.Search(Peer.Query(analyzer, question), 10);
        latencies.Add(Stopwatch.GetElapsedTime(t0).TotalMilliseconds);
    }
}
latencies.Sort();
Console.WriteLine(Peer.F($"query latency ({latencies.Count} queries, top 10): p50 {Stats.Pct(latencies, 50):F2} ms, p95 {Stats.Pct(latencies, 95):F2} ms, p99 {Stats.Pct(latencies, 99):F2} ms"));
GC.KeepAlive(queryDirectory);
Console.WriteLine(Peer.F($"index heap (managed memory held with the index open, after a full GC): {GC.GetTotalMemory(forceFullCollection: true) / 1024.0 / 1024.0:F0} MB"));
using var self = Process.GetCurrentProcess();
Console.WriteLine(Peer.F($"peak memory (working set): {self.PeakWorkingSet64 / 1024.0 / 1024.0:F0} MB"));
return 0;

internal sealed record Options(string Knowledge, string? Questions, int Rounds)
{
    public static Options Parse(string[] args)
    {
        string? knowledge = null, questions = null;
        var rounds = 5;
        for (var i = 0; i + 1 < args.Length; i += 2)
        {
            switch (args[i])
            {
                case "--knowledge": knowledge = args[i + 1]; break;
                case "--questions": questions = args[i + 1]; break;
                case "--rounds" when int.TryParse(args[i + 1], CultureInfo.InvariantCulture, out var r) && r > 0: rounds = r; break;
                default: throw new ArgumentException($"unknown or bad option {args[i]} {args[i + 1]}");
            }
        }
        if (args.Length % 2 != 0) throw new ArgumentException($"option {args[^1]} needs a value");
        return new Options(knowledge ?? throw new ArgumentException("--knowledge DIR is required"), questions, rounds);
    }
}

/// <summary>How the peer maps a chunk to Lucene: the bot's fields (title, headings, text, question wordings) with its field weights as boosts.</summary>
internal static class Peer
{
    public const LuceneVersion Version = LuceneVersion.LUCENE_48;
    public const string DocumentField = "doc";
    private static readonly (string Field, float Boost)[] Fields = [("title", 1f), ("heading", 2.5f), ("text", 2f), ("questions", 3f)];

    public static IndexWriter OpenWriter(LuceneDirectory directory) =>
        new(directory, new IndexWriterConfig(Version, new SmartChineseAnalyzer(Version)) { Similarity = new BM25Similarity(), OpenMode = OpenMode.CREATE });

    public static IEnumerable<Document> ToLucene(KnowledgeDocument document) => document.Chunks.Select(c => new Document
    {
        new StringField("id", c.Id, Field.Store.YES),
        new StringField(DocumentField, document.Info.Id, Field.Store.NO),
        new TextField("title", document.Info.Part is null ? document.Info.Title : document.Info.Title + " " + document.Info.Part, Field.Store.NO),
        new TextField("heading", string.Join(' ', c.HeadingPath), Field.Store.NO),
        new TextField("text", c.Text, Field.Store.NO),
        new TextField("questions", string.Join('\n', c.QuestionVariants), Field.Store.NO),
    });

    /// <summary>The question's SmartCn words, each a SHOULD clause in every field.</summary>
    public static Query Query(Analyzer analyzer, string question)
    {
        var words = new List<string>();
        using (var stream = analyzer.GetTokenStream("text", question))
        {
            var term = stream.AddAttribute<ICharTermAttribute>();
            stream.Reset();
            while (stream.IncrementToken()) words.Add(term.ToString());
            stream.End();
        }
        var query = new BooleanQuery();
        foreach (var word in words.Distinct(StringComparer.Ordinal).Take(BooleanQuery.MaxClauseCount / Fields.Length))
            foreach (var (field, boost) in Fields) query.Add(new TermQuery(new Term(field, word)) { Boost = boost }, Occur.SHOULD);
        return query;
    }

    public static void CopyFolder(string from, string to)
    {
        foreach (var file in System.IO.Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(to, Path.GetRelativePath(from, file));
            System.IO.Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
    }

    public static string F(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}

internal static class Stats
{
    public static TimeSpan CpuTime()
    {
        using var self = Process.GetCurrentProcess();
        return self.TotalProcessorTime;
    }

    public static double Median(List<double> xs) => Pct(xs.Order().ToList(), 50);

    public static double Pct(List<double> sorted, int p) =>
        sorted.Count == 0 ? 0 : sorted[Math.Clamp((int)Math.Ceiling(p / 100.0 * sorted.Count) - 1, 0, sorted.Count - 1)];
}
