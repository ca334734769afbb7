using LegalBot.Knowledge.Documents;
using LegalBot.Knowledge.Embeddings;
using LegalBot.Knowledge.Index;
using LegalBot.Knowledge.Offices;
using LegalBot.Knowledge.Reranking;
using LegalBot.Knowledge.Safety;
using LegalBot.Knowledge.Search;
using LegalBot.Knowledge.Site;
using LegalBot.Knowledge.Text;

namespace LegalBot.Knowledge;

/// <summary>
/// Everything the conversation engine reads from the knowledge folder, swapped whole on each refresh: the
/// retriever (index + synonyms), the statute articles by reference, the crisis check (trained when the folder loads,
/// so no citizen waits for it), the known statutes, the office directory and the scope check.
/// </summary>
public sealed record KnowledgeView(KnowledgeRetriever Retriever, StatuteIndex Statutes, CrisisDetector Crisis, StatuteRegistry Registry, OfficeDirectory Offices,
    ScopeModel Scope)
{
    public IKnowledgeIndex Index => Retriever.Index;

    /// <summary>The county's settings (<c>site.md</c>): greeting, topics, names, promises.</summary>
    public SiteSettings Site { get; init; } = SiteSettings.Default;

    /// <summary>The folder's 普法 lessons, quizzes and campaigns.</summary>
    public Publicity.PublicityCatalog Publicity { get; init; } = LegalBot.Knowledge.Publicity.PublicityCatalog.Empty;
}

/// <summary>
/// A knowledge folder wired to an index and a retriever: what the CLI and the service open.
/// <see cref="RefreshAsync"/> re-syncs with the folder (incrementally) and reloads the synonyms.
/// </summary>
public sealed class KnowledgeBase : IDisposable
{
    private readonly IKnowledgeIndex _index;
    private readonly SparseEncoder _encoder;
    private readonly ChunkEmbedder? _embedder;
    private readonly PassageReranker? _reranker;
    private readonly string _synonymsPath;
    private volatile KnowledgeView _view;

    private readonly RetrievalSettings _settings;

    private KnowledgeBase(string folder, IKnowledgeIndex index, SparseEncoder encoder, ChunkEmbedder? embedder, PassageReranker? reranker,
        string synonymsPath, RetrievalSettings settings)
    {
        Folder = folder;
        _index = index;
        _encoder = encoder;
        _embedder = embedder;
        _reranker = reranker;
        _synonymsPath = synonymsPath;
        _settings = settings;
        _view = new KnowledgeView(CreateRetriever(SynonymTable.Empty), StatuteIndex.Empty, new CrisisDetector(CrisisLexicon.Default), StatuteRegistry.Default, OfficeDirectory.Empty, ScopeModel.None);
    }

    private KnowledgeRetriever CreateRetriever(SynonymTable synonyms) =>
        new(_index, new QueryAnalyzer(_encoder.Tokenizer, synonyms, _settings.Query), _embedder, _reranker);

    public string Folder { get; }

    /// <summary>What one file may cost (size, nesting); a file past them is a reported problem.</summary>
    public KnowledgeLimits Limits { get; set; } = KnowledgeLimits.Default;
    public IKnowledgeIndex Index => _index;
    /// <summary>The embedded index, when that is the backend.</summary>
    public EmbeddedIndex? EmbeddedIndex => _index as EmbeddedIndex;
    public KnowledgeRetriever Retriever => _view.Retriever;

    /// <summary>What the engine reads, as of the last refresh.</summary>
    public KnowledgeView View => _view;

    /// <summary>The cross-encoder second stage, when one is configured.</summary>
    public PassageReranker? Reranker => _reranker;

    /// <summary>The office directory from the indexed <c>kind: office</c> files; swapped whole on each refresh.</summary>
    public OfficeDirectory Offices => _view.Offices;

    /// <param name="folder">The knowledge folder.</param>
    /// <param name="dataDirectory">Where the index persists; null keeps it in memory.</param>
    /// <param name="synonymsPath">Synonym file; null means <c>{folder}/synonyms.txt</c>.</param>
    /// <param name="settings">Scoring parameters; null for the tuned defaults.</param>
    /// <param name="embedder">Dense embeddings for hybrid search; null for sparse only.</param>
    /// <param name="reranker">A cross-encoder second stage (the knowledge base disposes it); null for none.</param>
    public static async Task<KnowledgeBase> OpenAsync(string folder, string? dataDirectory, string? synonymsPath = null,
        RetrievalSettings? settings = null, ChunkEmbedder? embedder = null, PassageReranker? reranker = null, CancellationToken cancellationToken = default)
    {
        if (!Directory.Exists(folder)) throw new DirectoryNotFoundException($"knowledge folder not found: {folder}");
        settings ??= RetrievalSettings.Default;
        var encoder = CreateEncoder(settings);
        var index = await EmbeddedIndex.OpenAsync(dataDirectory, encoder, embedder, cancellationToken).ConfigureAwait(false);
        return await OpenAsync(folder, index, encoder, embedder, synonymsPath, settings, cancellationToken, reranker).ConfigureAwait(false);
    }

    /// <summary>Wires a knowledge folder to an index that is already open (the Qdrant backend, say).</summary>
    /// <param name="encoder">The encoder the index weighs terms with (queries must use the same tokenizer).</param>
    public static async Task<KnowledgeBase> OpenAsync(string folder, IKnowledgeIndex index, SparseEncoder encoder, ChunkEmbedder? embedder,
        string? synonymsPath, RetrievalSettings? settings, CancellationToken cancellationToken, PassageReranker? reranker = null)
    {
        if (!Directory.Exists(folder)) throw new DirectoryNotFoundException($"knowledge folder not found: {folder}");
        var kb = new KnowledgeBase(folder, index, encoder, embedder, reranker, synonymsPath ?? KnowledgeFolder.SynonymsPath(folder), settings ?? RetrievalSettings.Default);
        kb._view = kb._view with { Offices = OfficeDirectory.FromDocuments(await index.GetDocumentsAsync(cancellationToken).ConfigureAwait(false)) };
        return kb;
    }

    /// <summary>Syncs the index with the folder and reloads synonyms; returns what changed and every problem found.</summary>
    public async Task<IndexRunReport> RefreshAsync(CancellationToken cancellationToken)
    {
        var report = await new KnowledgeFolderIndexer(_index, Limits).RunAsync(Folder, cancellationToken).ConfigureAwait(false);
        var (problems, _) = await ReloadLexiconAsync(cancellationToken).ConfigureAwait(false);
        return problems.Count == 0 ? report : report with { Diagnostics = [.. report.Diagnostics, .. problems] };
    }

    /// <summary>
    /// Syncs the index with the folder only, keeping synonyms, scope and crisis models as they are: a staff edit
    /// answers at once, and the next full <see cref="RefreshAsync"/> (the watcher's) brings the rest up to date.
    /// </summary>
    public Task<IndexRunReport> RefreshIndexAsync(CancellationToken cancellationToken) =>
        new KnowledgeFolderIndexer(_index, Limits).RunAsync(Folder, cancellationToken);

    /// <summary>
    /// For a read-only replica (another process indexes into the shared Qdrant collection): reloads synonyms
    /// and the office directory from what the index serves, without writing to it.
    /// </summary>
    public async Task<IndexRunReport> ReloadAsync(CancellationToken cancellationToken)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var (problems, documents) = await ReloadLexiconAsync(cancellationToken).ConfigureAwait(false);
        return new IndexRunReport(new IndexChangeSummary(0, 0, 0, documents, 0), problems, 0, 0, clock.Elapsed);
    }

    /// <summary>
    /// Re-parses the whole folder into a fresh Qdrant collection and switches the alias to it (no downtime).
    /// Bad files are reported and left out; duplicate ids keep the first file.
    /// </summary>
    public async Task<IndexRunReport> RebuildAsync(CancellationToken cancellationToken)
    {
        if (_index is not Index.Qdrant.QdrantIndex qdrant)
            throw new ArgumentException("a rebuild applies to the Qdrant backend; the embedded index rebuilds when its data folder is deleted");
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var (documents, diagnostics, files) = await KnowledgeFolderIndexer.ParseAllAsync(Folder, cancellationToken, Limits).ConfigureAwait(false);
        var changes = await qdrant.RebuildAsync(documents, cancellationToken).ConfigureAwait(false);
        var (problems, _) = await ReloadLexiconAsync(cancellationToken).ConfigureAwait(false);
        return new IndexRunReport(changes, [.. diagnostics, .. problems], files, files, clock.Elapsed);
    }

    /// <summary>
    /// Reloads the synonyms (a new retriever), crisis vocabulary, known statutes, statute articles and office directory,
    /// and proves every reference against them; returns the problems found and the document count.
    /// </summary>
    private async Task<(IReadOnlyList<KnowledgeDiagnostic> Problems, int Documents)> ReloadLexiconAsync(CancellationToken cancellationToken)
    {
        var (synonyms, problems) = await SynonymTable.LoadAsync(_synonymsPath, cancellationToken).ConfigureAwait(false);
        var (crisis, crisisProblems) = await CrisisLexicon.LoadAsync(Folder, cancellationToken).ConfigureAwait(false);
        var (registry, registryProblems) = await StatuteRegistry.LoadAsync(Folder, cancellationToken).ConfigureAwait(false);
        var documents = await _index.GetDocumentsAsync(cancellationToken).ConfigureAwait(false);
        var statutes = await StatuteIndex.BuildAsync(_index, cancellationToken).ConfigureAwait(false);
        var matters = new Dictionary<string, IReadOnlyList<ArticleReference>>(StringComparer.Ordinal);
        foreach (var d in documents.Where(d => d.Kind == DocumentKind.Matter))
            matters[d.Id] = (await _index.GetChunksAsync(d.Id, cancellationToken).ConfigureAwait(false)).SelectMany(c => c.ArticleReferences).ToList();
        var (publicity, publicityProblems) = await Publicity.PublicityCatalog.LoadAsync(Folder, matters, Limits, cancellationToken).ConfigureAwait(false);
        var references = await ReferenceCheck.RunAsync(_index, statutes, registry, cancellationToken, publicity.References()).ConfigureAwait(false);
        var (scope, scopeProblems) = await ScopeModel.BuildAsync(Folder, _index, cancellationToken).ConfigureAwait(false);
        var (site, siteProblems) = await SiteSettings.LoadAsync(Folder, cancellationToken).ConfigureAwait(false);
        _view = new KnowledgeView(CreateRetriever(synonyms), statutes, new CrisisDetector(crisis, scope.CitizenWordings), registry, OfficeDirectory.FromDocuments(documents), scope)
            { Site = site, Publicity = publicity };
        return ([.. problems, .. crisisProblems, .. registryProblems, .. publicityProblems, .. references, .. scopeProblems, .. siteProblems], documents.Count);
    }

    /// <summary>The sparse encoder for <paramref name="settings"/> (tokenizer + BM25F parameters); every backend uses it.</summary>
    public static SparseEncoder CreateEncoder(RetrievalSettings settings) =>
        new(settings.MaxGram == Tokenizer.Default.MaxGram ? Tokenizer.Default : new Tokenizer(settings.MaxGram), settings.Bm25);

    public Task<RetrievalResult> SearchAsync(string question, RetrievalOptions? options = null, CancellationToken cancellationToken = default) =>
        _view.Retriever.SearchAsync(question, options, cancellationToken);

    public void Dispose()
    {
        (_index as IDisposable)?.Dispose();
        _reranker?.Dispose();
    }
}
