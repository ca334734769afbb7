using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using LegalBot.Knowledge;
using LegalBot.Knowledge.Documents;
using LegalBot.Knowledge.Search;

namespace LegalBot.Cli.Commands;

/// <summary>
/// Performance figures for README and closing notes: cold index, re-index after one changed file,
/// single-threaded query latency percentiles, peak memory. Medians of repeated runs.
/// <c>--scale N</c> measures an N× corpus built from the folder (see <see cref="ScaledCorpus"/>);
/// <c>--keep DIR</c> leaves that corpus in DIR so a peer engine can index the same files.
/// </summary>
internal static class BenchCommand
{
    public static async Task<int> RunAsync(CliArguments args, TextWriter stdout, TextWriter stderr, CancellationToken ct)
    {
        args.EnsureOnly("knowledge", "questions", "synonyms", "rounds", "scale", "keep");
        var source = args.Require("knowledge");
        var rounds = int.TryParse(args.Get("rounds") ?? "5", out var r) && r > 0 ? r : 5;
        var scale = 1;
        if (args.Get("scale") is { } s && (!int.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out scale) || scale is < 1 or > ScaledCorpus.MaxScale))
            throw new UsageException($"--scale must be a whole number from 1 to {ScaledCorpus.MaxScale}, not '{s}'");
        if (!Directory.Exists(source)) throw new UsageException($"knowledge folder not found: {source}");
        await stdout.WriteLineAsync($"machine: {Environment.ProcessorCount} cores, {RuntimeInformation.OSDescription}, {RuntimeInformation.FrameworkDescription}; load average {LoadAverage()}").ConfigureAwait(false);

        var kept = args.Get("keep");
        var corpusRoot = kept ?? Path.Combine(Path.GetTempPath(), "legalbot-bench-corpus-" + Guid.NewGuid().ToString("N"));
        try
        {
            var files = ScaledCorpus.Write(source, corpusRoot, scale);
            await stdout.WriteLineAsync($"corpus: {scale}× {source} = {files} files in {corpusRoot}").ConfigureAwait(false);
            return await MeasureAsync(corpusRoot, args, rounds, stdout, stderr, ct).ConfigureAwait(false);
        }
        finally
        {
            if (kept is null && Directory.Exists(corpusRoot)) Directory.Delete(corpusRoot, recursive: true);
        }
    }

    private static async Task<int> MeasureAsync(string knowledge, CliArguments args, int rounds, TextWriter stdout, TextWriter stderr, CancellationToken ct)
    {

        // Cold index: parse every file and build the inverted index, in memory (first run includes JIT).
        var cold = new List<double>();
        var coldIndexer = new List<double>();
        var coldCpu = new List<double>();
        int chunks = 0;
        for (var i = 0; i <= rounds; i++)
        {
            var cpu = CpuTime();
            var sw = Stopwatch.StartNew();
            using var kb = await KnowledgeBase.OpenAsync(knowledge, null, args.Get("synonyms"), cancellationToken: ct).ConfigureAwait(false);
            var report = await kb.RefreshAsync(ct).ConfigureAwait(false);
            sw.Stop();
            chunks = report.Changes.Chunks;
            if (i > 0)
            {
                cold.Add(sw.Elapsed.TotalMilliseconds);
                coldIndexer.Add(report.Elapsed.TotalMilliseconds);
                coldCpu.Add((CpuTime() - cpu).TotalMilliseconds);
            }
        }
        await stdout.WriteLineAsync(F($"cold index (in memory, {chunks} chunks): median {Median(cold):F0} ms over {rounds} runs (first run with JIT excluded), CPU {Median(coldCpu):F0} ms; of which folder → index {Median(coldIndexer):F0} ms")).ConfigureAwait(false);

        // Persisted index in a scratch copy: cold with persistence, restart, then one changed file.
        var scratch = Path.Combine(Path.GetTempPath(), "legalbot-bench-" + Guid.NewGuid().ToString("N"));
        try
        {
            var folder = Path.Combine(scratch, "knowledge");
            CopyFolder(knowledge, folder);
            var data = Path.Combine(scratch, "data");
            var sw = Stopwatch.StartNew();
            using (var kb = await KnowledgeBase.OpenAsync(folder, data, args.Get("synonyms"), cancellationToken: ct).ConfigureAwait(false))
                await kb.RefreshAsync(ct).ConfigureAwait(false);
            await stdout.WriteLineAsync(F($"cold index with persistence: {sw.Elapsed.TotalMilliseconds:F0} ms")).ConfigureAwait(false);

            sw.Restart();
            using var reopened = await KnowledgeBase.OpenAsync(folder, data, args.Get("synonyms"), cancellationToken: ct).ConfigureAwait(false);
            var restart = await reopened.RefreshAsync(ct).ConfigureAwait(false);
            await stdout.WriteLineAsync(F($"restart (load persisted index, verify {restart.FilesScanned} files, parse {restart.FilesParsed}): {sw.Elapsed.TotalMilliseconds:F0} ms")).ConfigureAwait(false);

            var target = KnowledgeFolder.EnumerateDocuments(folder).Files.OrderByDescending(f => f.Length).First();
            var reindex = new List<double>();
            var reindexIndexer = new List<double>();
            var reindexCpu = new List<double>();
            for (var i = 0; i < rounds; i++)
            {
                await File.AppendAllTextAsync(target.FullPath, $"\n\n本段为基准测试追加内容{i}。\n", ct).ConfigureAwait(false);
                var cpu = CpuTime();
                sw.Restart();
                var report = await reopened.RefreshAsync(ct).ConfigureAwait(false);
                reindexCpu.Add((CpuTime() - cpu).TotalMilliseconds);
                reindex.Add(sw.Elapsed.TotalMilliseconds);
                reindexIndexer.Add(report.Elapsed.TotalMilliseconds);
                if (report.Changes.Changed != 1) await stderr.WriteLineAsync("warning: expected exactly one changed document").ConfigureAwait(false);
            }
            await stdout.WriteLineAsync(F($"re-index after one changed file ({target.RelativePath}): median {Median(reindex):F0} ms over {rounds} runs, CPU {Median(reindexCpu):F0} ms; of which folder → index {Median(reindexIndexer):F0} ms (the rest reloads the lexicon: statutes, references, scope)")).ConfigureAwait(false);
        }
        finally
        {
            Directory.Delete(scratch, recursive: true);
        }

        // Query latency, single-threaded.
        using var kbq = await KnowledgeBase.OpenAsync(knowledge, null, args.Get("synonyms"), cancellationToken: ct).ConfigureAwait(false);
        await kbq.RefreshAsync(ct).ConfigureAwait(false);
        var queries = await LoadQueriesAsync(args.Get("questions"), kbq, ct).ConfigureAwait(false);
        foreach (var q in queries.Take(50)) await kbq.SearchAsync(q, null, ct).ConfigureAwait(false);
        var latencies = new List<double>(queries.Count * 3);
        var queryCpu = CpuTime();
        for (var pass = 0; pass < 3; pass++)
        {
            foreach (var q in queries)
            {
                var t0 = Stopwatch.GetTimestamp();
                await kbq.SearchAsync(q, null, ct).ConfigureAwait(false);
                latencies.Add(Stopwatch.GetElapsedTime(t0).TotalMilliseconds);
            }
        }
        var cpuPerQuery = (CpuTime() - queryCpu).TotalMilliseconds / latencies.Count;
        latencies.Sort();
        await stdout.WriteLineAsync(F($"query latency ({latencies.Count} queries, top 10): p50 {Pct(latencies, 50):F2} ms, p95 {Pct(latencies, 95):F2} ms, p99 {Pct(latencies, 99):F2} ms; CPU {cpuPerQuery:F2} ms per query (steadier than wall time on a shared machine)")).ConfigureAwait(false);
        await stdout.WriteLineAsync($"load average at the end: {LoadAverage()}").ConfigureAwait(false);
        GC.KeepAlive(kbq);
        await stdout.WriteLineAsync(F($"index heap (managed memory held with the index open, after a full GC): {GC.GetTotalMemory(forceFullCollection: true) / 1024.0 / 1024.0:F0} MB")).ConfigureAwait(false);
        using var self = Process.GetCurrentProcess();
        await stdout.WriteLineAsync(F($"peak memory (working set): {self.PeakWorkingSet64 / 1024.0 / 1024.0:F0} MB")).ConfigureAwait(false);
        return LegalBotCli.Ok;
    }

    private static async Task<List<string>> LoadQueriesAsync(string? path, KnowledgeBase kb, CancellationToken ct)
    {
        if (path is not null)
            return Evaluation.ParseQuestions(await File.ReadAllTextAsync(path, ct).ConfigureAwait(false), path).Select(q => q.Question).ToList();
        // Without a question set: the opening words of a deterministic sample of chunks.
        var queries = new List<string>();
        foreach (var d in await kb.Index.GetDocumentsAsync(ct).ConfigureAwait(false))
        {
            var chunks = await kb.Index.GetChunksAsync(d.Id, ct).ConfigureAwait(false);
            for (var i = 0; i < chunks.Count; i += 7)
            {
                var text = chunks[i].Text;
                var start = text.IndexOf(' ', StringComparison.Ordinal) + 1;
                queries.Add(text.Substring(start, Math.Min(24, text.Length - start)));
            }
        }
        return queries;
    }

    private static void CopyFolder(string from, string to)
    {
        foreach (var dir in Directory.EnumerateDirectories(from, "*", SearchOption.AllDirectories))
            Directory.CreateDirectory(Path.Combine(to, Path.GetRelativePath(from, dir)));
        Directory.CreateDirectory(to);
        foreach (var file in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
            File.Copy(file, Path.Combine(to, Path.GetRelativePath(from, file)));
    }

    /// <summary>User + system time of the process: on a shared machine it says what the work cost when wall time cannot.</summary>
    private static TimeSpan CpuTime()
    {
        using var self = Process.GetCurrentProcess();
        return self.TotalProcessorTime;
    }

    /// <summary>1, 5 and 15 minute load averages (Linux), so a figure can be read against how busy the machine was.</summary>
    private static string LoadAverage()
    {
        try
        {
            var fields = File.ReadAllText("/proc/loadavg").Split(' ');
            return string.Join(' ', fields.Take(3));
        }
        catch (IOException)
        {
            return "unknown";
        }
        catch (UnauthorizedAccessException)
        {
            return "unknown";
        }
    }

    private static double Median(List<double> xs) => Pct(xs.Order().ToList(), 50);

    private static double Pct(List<double> sorted, int p) =>
        sorted.Count == 0 ? 0 : sorted[Math.Clamp((int)Math.Ceiling(p / 100.0 * sorted.Count) - 1, 0, sorted.Count - 1)];

    private static string F(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}

/// <summary>
/// An N× corpus for scale benchmarks: N copies of every file of a knowledge folder, copy k under <c>copy-k/</c>.
/// Copies after the first get a distinct title (所在卷 suffix on the front matter title or the first '# ' heading),
/// so every copy is its own document — its own id from its path, its own statute name — not a duplicate.
/// </summary>
internal static class ScaledCorpus
{
    public const int MaxScale = 1000;

    /// <summary>Writes the corpus into <paramref name="target"/> (which must be absent or empty); returns the number of files.</summary>
    public static int Write(string source, string target, int scale)
    {
        if (Directory.Exists(target) && Directory.EnumerateFileSystemEntries(target).Any())
            throw new UsageException($"--keep folder must be new or empty: {target}");
        var files = Directory.EnumerateFiles(source, "*.md", SearchOption.AllDirectories).Order(StringComparer.Ordinal).ToList();
        for (var copy = 1; copy <= scale; copy++)
        {
            foreach (var file in files)
            {
                var to = Path.Combine(target, $"copy-{copy}", Path.GetRelativePath(source, file));
                Directory.CreateDirectory(Path.GetDirectoryName(to)!);
                var text = File.ReadAllText(file);
                File.WriteAllText(to, copy == 1 ? text : Retitle(text, F($"（第{copy}卷）")));
            }
        }
        return files.Count * scale;
    }

    /// <summary>Appends <paramref name="suffix"/> to the document's title: the front matter's <c>title:</c>, else the first H1.</summary>
    public static string Retitle(string markdown, string suffix)
    {
        var lines = markdown.Split('\n');
        var start = 0;
        if (lines.Length > 0 && lines[0].TrimEnd('\r') == "---")
        {
            for (var i = 1; i < lines.Length && lines[i].TrimEnd('\r') != "---"; i++)
            {
                if (!lines[i].StartsWith("title:", StringComparison.Ordinal)) continue;
                lines[i] = lines[i].TrimEnd('\r') + suffix;
                return string.Join('\n', lines);
            }
            start = Array.FindIndex(lines, 1, l => l.TrimEnd('\r') == "---") + 1;
        }
        for (var i = start; i < lines.Length; i++)
        {
            if (!lines[i].StartsWith("# ", StringComparison.Ordinal)) continue;
            lines[i] = lines[i].TrimEnd('\r') + suffix;
            return string.Join('\n', lines);
        }
        return markdown;
    }

    private static string F(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}
