using System.Threading.Channels;
using LegalBot.Knowledge;
using LegalBot.Knowledge.Documents;
using LegalBot.Knowledge.Search;
using Microsoft.Extensions.Options;

namespace LegalBot.Service.Hosting;

/// <summary>What staff see at <c>/api/staff/knowledge</c>: the last index run and every problem in the folder.</summary>
public sealed record KnowledgeStatus(
    DateTimeOffset? LastRefresh,
    int Documents,
    int Chunks,
    IReadOnlyList<string> Problems,
    string? LastError);

/// <summary>
/// Owns the knowledge base: indexes the folder at start-up, then watches it. A saved file is re-indexed after
/// a short quiet period; a broken file is reported (log + status) while its last good version keeps serving.
/// A periodic rescan catches events the file watcher may miss.
/// </summary>
public sealed partial class KnowledgeHost(IOptions<KnowledgeOptions> knowledge, IOptions<DataOptions> data, IOptions<IndexOptions> index,
    IOptions<QdrantOptions> qdrant, IOptions<EmbeddingsOptions> embeddings, IOptions<RerankOptions> rerank, ILogger<KnowledgeHost> logger)
    : BackgroundService
{
    private static readonly TimeSpan Rescan = TimeSpan.FromMinutes(5);
    private readonly Channel<bool> _changes = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
    private readonly TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private KnowledgeBase? _kb;
    private FileSystemWatcher? _watcher;
    private volatile KnowledgeStatus _status = new(null, 0, 0, [], null);
    private long _rerankFailuresReported;

    public KnowledgeStatus Status => _status;

    /// <summary>The last refresh's problems with their files and lines (the desk lists them per document).</summary>
    public IReadOnlyList<KnowledgeDiagnostic> Diagnostics { get; private set; } = [];

    /// <summary>The current retriever (swapped on every refresh).</summary>
    public KnowledgeRetriever Retriever => View.Retriever;

    /// <summary>What the engine reads, as of the last refresh.</summary>
    public KnowledgeView View => (_kb ?? throw new InvalidOperationException("knowledge base not loaded yet")).View;

    /// <summary>The office directory from knowledge/offices (empty until the knowledge base is loaded).</summary>
    public LegalBot.Knowledge.Offices.OfficeDirectory Offices => _kb?.Offices ?? LegalBot.Knowledge.Offices.OfficeDirectory.Empty;

    /// <summary>The county's settings (site.md); the defaults until the folder has loaded.</summary>
    public LegalBot.Knowledge.Site.SiteSettings Site => _kb?.View.Site ?? LegalBot.Knowledge.Site.SiteSettings.Default;

    /// <summary>The knowledge folder's full path.</summary>
    public string Folder => _kb?.Folder ?? Path.GetFullPath(knowledge.Value.Path);

    public Task Ready => _ready.Task;

    /// <summary>The file limits the folder is read with (staff edits are checked against the same).</summary>
    public KnowledgeLimits Limits => _kb?.Limits ?? KnowledgeLimits.Default;

    /// <summary>
    /// Re-indexes the folder now, without waiting for the watcher's quiet period: after a staff edit through the
    /// desk the change must answer at once. Only the index is synced (the full reload of synonyms, scope and crisis
    /// models takes seconds); the watcher's refresh that the write triggers brings those up to date right after.
    /// Other instances see the file through their own watchers; a read-only replica waits for its writer.
    /// </summary>
    public async Task RefreshNowAsync(CancellationToken cancellationToken)
    {
        if (!index.Value.Writer || _kb is null) return;
        await _refreshing.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            foreach (var d in (await _kb.RefreshIndexAsync(cancellationToken).ConfigureAwait(false)).Diagnostics) LogProblem(d.ToString());
        }
        finally
        {
            _refreshing.Release();
        }
        _changes.Writer.TryWrite(true);
    }

    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        var folder = Path.GetFullPath(knowledge.Value.Path);
        var settings = IndexOptionsValidator.Settings(index.Value, qdrant.Value, embeddings.Value, rerank.Value, Path.Combine(data.Value.Path, "index"));
        _kb = await KnowledgeBackend.OpenAsync(folder, settings, cancellationToken).ConfigureAwait(false);
        _kb.Limits = KnowledgeLimits.Default with { MaxFileBytes = knowledge.Value.MaxFileBytes };
        LogBackend(settings.Backend, settings.Embeddings is null ? "off" : settings.Embeddings.Model, settings.Rerank is null ? "off" : settings.Rerank.Model);
        if (_kb.EmbeddedIndex?.LoadProblem is { } problem) LogLoadProblem(problem);
        if (index.Value.RebuildOnStart)
        {
            var rebuilt = await _kb.RebuildAsync(cancellationToken).ConfigureAwait(false);
            foreach (var d in rebuilt.Diagnostics) LogProblem(d.ToString());
            LogIndexed(rebuilt.Changes.Documents, rebuilt.Changes.Chunks, rebuilt.Changes.Added, 0, 0, rebuilt.Elapsed.TotalMilliseconds);
        }
        await RefreshAsync(cancellationToken).ConfigureAwait(false);
        _watcher = new FileSystemWatcher(folder)
        {
            IncludeSubdirectories = true,
            NotifyFilter = NotifyFilters.FileName | NotifyFilters.DirectoryName | NotifyFilters.LastWrite | NotifyFilters.Size,
        };
        _watcher.Changed += OnChange;
        _watcher.Created += OnChange;
        _watcher.Deleted += OnChange;
        _watcher.Renamed += OnChange;
        _watcher.Error += (_, e) => { LogWatcherError(e.GetException().Message); _changes.Writer.TryWrite(true); };
        _watcher.EnableRaisingEvents = true;
        _ready.TrySetResult();
        await base.StartAsync(cancellationToken).ConfigureAwait(false);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var debounce = TimeSpan.FromMilliseconds(knowledge.Value.DebounceMilliseconds);
        while (!stoppingToken.IsCancellationRequested)
        {
            using var rescan = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
            rescan.CancelAfter(Rescan);
            try
            {
                await _changes.Reader.ReadAsync(rescan.Token).ConfigureAwait(false);
                // Wait for the burst of events an editor's save produces to settle.
                while (true)
                {
                    using var quiet = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
                    quiet.CancelAfter(debounce);
                    try { await _changes.Reader.ReadAsync(quiet.Token).ConfigureAwait(false); }
                    catch (OperationCanceledException) when (!stoppingToken.IsCancellationRequested) { break; }
                }
            }
            catch (OperationCanceledException) when (!stoppingToken.IsCancellationRequested)
            {
                // Periodic rescan.
            }
            await RefreshAsync(stoppingToken).ConfigureAwait(false);
        }
    }

    private void OnChange(object sender, FileSystemEventArgs e) => _changes.Writer.TryWrite(true);

    private readonly SemaphoreSlim _refreshing = new(1, 1);

    private async Task RefreshAsync(CancellationToken cancellationToken)
    {
        // One refresh at a time: the watcher loop and a desk edit may both ask.
        await _refreshing.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await RefreshOnceAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _refreshing.Release();
        }
    }

    private async Task RefreshOnceAsync(CancellationToken cancellationToken)
    {
        try
        {
            var report = index.Value.Writer
                ? await _kb!.RefreshAsync(cancellationToken).ConfigureAwait(false)
                : await _kb!.ReloadAsync(cancellationToken).ConfigureAwait(false);
            foreach (var d in report.Diagnostics) LogProblem(d.ToString());
            var c = report.Changes;
            if (c.Added + c.Changed + c.Removed > 0 || _status.LastRefresh is null)
                LogIndexed(c.Documents, c.Chunks, c.Added, c.Changed, c.Removed, report.Elapsed.TotalMilliseconds);
            var problems = report.Diagnostics.Select(d => d.ToString()).ToList();
            if (_kb.EmbeddedIndex?.EmbeddingProblem is { } embedding)
            {
                LogEmbeddingsUnavailable(embedding);
                problems.Add("embeddings unavailable, searching without them: " + embedding);
            }
            if (_kb.Reranker is { } reranker && reranker.Failures > _rerankFailuresReported)
            {
                // Each failed question kept the first-stage order; report the count since the last refresh.
                var failures = reranker.Failures;
                LogRerankFailing(failures - _rerankFailuresReported, reranker.LastProblem ?? "");
                problems.Add($"reranking failed {failures - _rerankFailuresReported} time(s) since the last check, first-stage order kept: {reranker.LastProblem}");
                _rerankFailuresReported = failures;
            }
            Diagnostics = report.Diagnostics;
            _status = new KnowledgeStatus(DateTimeOffset.UtcNow, c.Documents, c.Chunks, problems, null);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            // Whatever the folder holds, the service keeps answering: the previous index keeps serving, and staff
            // see the error on the status endpoint. (Files are parsed in isolation, so this is I/O or the backend.)
            LogRefreshFailed(ex.GetType().Name + ": " + ex.Message);
            _status = _status with { LastError = ex.Message };
        }
    }

    public override void Dispose()
    {
        _watcher?.Dispose();
        _kb?.Dispose();
        base.Dispose();
    }

    [LoggerMessage(LogLevel.Information, "knowledge indexed: {Documents} documents, {Chunks} chunks (added {Added}, changed {Changed}, removed {Removed}) in {Milliseconds:F0} ms")]
    private partial void LogIndexed(int documents, int chunks, int added, int changed, int removed, double milliseconds);

    [LoggerMessage(LogLevel.Warning, "reranking failed {Count} time(s) since the last check, first-stage order kept: {Problem}")]
    private partial void LogRerankFailing(long count, string problem);

    [LoggerMessage(LogLevel.Information, "knowledge index backend: {Backend}, embeddings: {Embeddings}, reranker: {Reranker}")]
    private partial void LogBackend(string backend, string embeddings, string reranker);

    [LoggerMessage(LogLevel.Warning, "embedding endpoint unavailable, the index serves sparse-only until it answers: {Message}")]
    private partial void LogEmbeddingsUnavailable(string message);

    [LoggerMessage(LogLevel.Warning, "knowledge file problem: {Problem}")]
    private partial void LogProblem(string problem);

    [LoggerMessage(LogLevel.Warning, "persisted index not used: {Problem}")]
    private partial void LogLoadProblem(string problem);

    [LoggerMessage(LogLevel.Warning, "file watcher error ({Message}); rescanning")]
    private partial void LogWatcherError(string message);

    [LoggerMessage(LogLevel.Error, "knowledge refresh failed, previous content keeps serving: {Message}")]
    private partial void LogRefreshFailed(string message);
}

/// <summary>Start-up validation: the knowledge folder must exist.</summary>
public sealed class KnowledgeOptionsValidator : IValidateOptions<KnowledgeOptions>
{
    public ValidateOptionsResult Validate(string? name, KnowledgeOptions options) =>
        Directory.Exists(options.Path)
            ? ValidateOptionsResult.Success
            : ValidateOptionsResult.Fail($"Knowledge:Path '{Path.GetFullPath(options.Path)}' is not a folder (set Knowledge__Path)");
}

