using System.ComponentModel;
using System.Linq.Expressions;
using System.Runtime.CompilerServices;
using LegalBot.Knowledge.Documents;
using LegalBot.Knowledge.Index;
using Microsoft.SemanticKernel;
using Microsoft.SemanticKernel.Data;

namespace LegalBot.Knowledge.Search;

/// <summary>A retrieved chunk as Semantic Kernel sees it.</summary>
public sealed record KnowledgeRecord(
    [property: TextSearchResultName] string Name,
    [property: TextSearchResultValue] string Text,
    [property: TextSearchResultLink] string Link,
    string ChunkId,
    string DocumentId,
    string Title,
    string? ArticleLabel,
    string Kind,
    string? Region,
    double Score)
{
    public static KnowledgeRecord From(ChunkHit hit) => new(
        KnowledgeTextSearch.CitationName(hit.Document, hit.Chunk),
        hit.Chunk.Text,
        hit.Document.Source ?? $"{hit.Document.SourcePath}#L{hit.Chunk.Line}",
        hit.Chunk.Id,
        hit.Document.Id,
        hit.Document.Title,
        hit.Chunk.ArticleLabel,
        hit.Document.Kind.ToString().ToLowerInvariant(),
        hit.Document.Region,
        hit.Score);
}

/// <summary>
/// Semantic Kernel <see cref="ITextSearch{TRecord}"/> over the retriever, so a Kernel (and an LLM through
/// function calling) can search the knowledge base. Name = document title + article label or section path,
/// Value = chunk text, Link = the document's source (or its file and line when it has none). LINQ filters
/// on <see cref="KnowledgeRecord"/> are applied to an over-fetched candidate list.
/// </summary>
public sealed class KnowledgeTextSearch(Func<KnowledgeRetriever> retriever) : ITextSearch<KnowledgeRecord>
{
    public const string DefaultPluginName = "LegalKnowledge";
    private const int FilterOverFetch = 5;

    public KnowledgeTextSearch(KnowledgeRetriever retriever) : this(() => retriever) { }

    public async Task<KernelSearchResults<string>> SearchAsync(string query, TextSearchOptions<KnowledgeRecord>? searchOptions = null, CancellationToken cancellationToken = default)
    {
        var records = await RunAsync(query, searchOptions, cancellationToken).ConfigureAwait(false);
        return new KernelSearchResults<string>(Stream(records.Select(r => r.Text), cancellationToken), records.Count);
    }

    public async Task<KernelSearchResults<TextSearchResult>> GetTextSearchResultsAsync(string query, TextSearchOptions<KnowledgeRecord>? searchOptions = null, CancellationToken cancellationToken = default)
    {
        var records = await RunAsync(query, searchOptions, cancellationToken).ConfigureAwait(false);
        return new KernelSearchResults<TextSearchResult>(Stream(records.Select(ToTextSearchResult), cancellationToken), records.Count);
    }

    public async Task<KernelSearchResults<KnowledgeRecord>> GetSearchResultsAsync(string query, TextSearchOptions<KnowledgeRecord>? searchOptions = null, CancellationToken cancellationToken = default)
    {
        var records = await RunAsync(query, searchOptions, cancellationToken).ConfigureAwait(false);
        return new KernelSearchResults<KnowledgeRecord>(Stream(records, cancellationToken), records.Count);
    }

    /// <summary>Citation name of a chunk: 中华人民共和国法律援助法 第三十一条, or a guide title with its section path.</summary>
    public static string CitationName(DocumentInfo document, KnowledgeChunk chunk)
    {
        if (chunk.ArticleLabel is not null) return $"{document.Title} {chunk.ArticleLabel}";
        var path = chunk.HeadingPath.Where(h => h != document.Title).ToList();
        return path.Count == 0 ? document.Title : $"{document.Title} › {string.Join(" › ", path)}";
    }

    public static TextSearchResult ToTextSearchResult(KnowledgeRecord record) =>
        new(record.Text) { Name = record.Name, Link = record.Link };

    /// <summary>
    /// A Kernel plugin with one function, <c>Search(query, count)</c>, returning cited text search results.
    /// (SK's own plugin helpers only accept the obsolete non-generic ITextSearch.)
    /// </summary>
    public KernelPlugin CreatePlugin(string pluginName = DefaultPluginName)
    {
        var search = KernelFunctionFactory.CreateFromMethod(
            async ([Description("群众的问题或检索关键词")] string query,
                   [Description("返回条数")] int count = 3,
                   CancellationToken cancellationToken = default) =>
            {
                var results = await GetTextSearchResultsAsync(query, new TextSearchOptions<KnowledgeRecord> { Top = count }, cancellationToken).ConfigureAwait(false);
                var list = new List<TextSearchResult>();
                await foreach (var r in results.Results.WithCancellation(cancellationToken).ConfigureAwait(false)) list.Add(r);
                return list;
            },
            functionName: "Search",
            description: "搜索法律法规条文和办事指南，返回原文及出处（名称、条号或章节、链接）");
        return KernelPluginFactory.CreateFromFunctions(pluginName, "法律法规与公共法律服务知识库", [search]);
    }

    private async Task<List<KnowledgeRecord>> RunAsync(string query, TextSearchOptions<KnowledgeRecord>? options, CancellationToken cancellationToken)
    {
        var top = options?.Top ?? TextSearchOptions<KnowledgeRecord>.DefaultTop;
        var skip = options?.Skip ?? 0;
        Func<KnowledgeRecord, bool>? predicate = options?.Filter is Expression<Func<KnowledgeRecord, bool>> f ? f.Compile() : null;
        var fetch = (top + skip) * (predicate is null ? 1 : FilterOverFetch);
        var result = await retriever().SearchAsync(query, new RetrievalOptions(fetch), cancellationToken).ConfigureAwait(false);
        var records = result.Hits.Select(KnowledgeRecord.From);
        if (predicate is not null) records = records.Where(predicate);
        return records.Skip(skip).Take(top).ToList();
    }

    private static async IAsyncEnumerable<T> Stream<T>(IEnumerable<T> items, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        foreach (var item in items)
        {
            cancellationToken.ThrowIfCancellationRequested();
            yield return item;
        }
        await Task.CompletedTask.ConfigureAwait(false);
    }
}

public static class KnowledgeKernelExtensions
{
    /// <summary>Registers the knowledge search as a Kernel plugin.</summary>
    public static KernelPlugin AddLegalKnowledgePlugin(this Kernel kernel, KnowledgeTextSearch search, string pluginName = KnowledgeTextSearch.DefaultPluginName)
    {
        ArgumentNullException.ThrowIfNull(kernel);
        ArgumentNullException.ThrowIfNull(search);
        var plugin = search.CreatePlugin(pluginName);
        kernel.Plugins.Add(plugin);
        return plugin;
    }
}
