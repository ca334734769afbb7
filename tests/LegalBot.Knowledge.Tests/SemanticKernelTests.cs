using LegalBot.Knowledge.Search;
using Microsoft.SemanticKernel;
using Microsoft.SemanticKernel.Data;

namespace LegalBot.Knowledge.Tests;

public class SemanticKernelTests
{
    private static async Task<KnowledgeBase> OpenAsync(TempKnowledge k)
    {
        k.Write("laws/示例法.md", Samples.Statute);
        k.Write("guides/legal-aid.md", Samples.Guide);
        var kb = await KnowledgeBase.OpenAsync(k.Folder, null);
        await kb.RefreshAsync(CancellationToken.None);
        return kb;
    }

    [Fact]
    public async Task Text_search_results_carry_citation_name_value_and_link()
    {
        using var k = new TempKnowledge();
        using var kb = await OpenAsync(k);
        var search = new KnowledgeTextSearch(() => kb.Retriever);
        var results = await search.GetTextSearchResultsAsync("多少天内作出决定", new TextSearchOptions<KnowledgeRecord> { Top = 2 });
        var list = new List<TextSearchResult>();
        await foreach (var r in results.Results) list.Add(r);
        Assert.Equal("中华人民共和国示例法 第四条", list[0].Name);
        Assert.StartsWith("第四条 法律援助机构", list[0].Value, StringComparison.Ordinal);
        Assert.StartsWith("laws/示例法.md#L", list[0].Link, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Linq_filters_restrict_results()
    {
        using var k = new TempKnowledge();
        using var kb = await OpenAsync(k);
        var search = new KnowledgeTextSearch(() => kb.Retriever);
        var results = await search.GetSearchResultsAsync("申请法律援助材料", new TextSearchOptions<KnowledgeRecord> { Top = 3, Filter = r => r.Kind == "guide" });
        var list = new List<KnowledgeRecord>();
        await foreach (var r in results.Results) list.Add(r);
        Assert.NotEmpty(list);
        Assert.All(list, r => Assert.Equal("guide", r.Kind));
        Assert.Equal("https://example.gov.cn/guide/legal-aid", list[0].Link);
    }

    [Fact]
    public async Task A_kernel_invokes_the_knowledge_plugin()
    {
        using var k = new TempKnowledge();
        using var kb = await OpenAsync(k);
        var kernel = new Kernel();
        kernel.AddLegalKnowledgePlugin(new KnowledgeTextSearch(() => kb.Retriever));

        var result = await kernel.InvokeAsync(KnowledgeTextSearch.DefaultPluginName, "Search",
            new KernelArguments { ["query"] = "经济困难 可以申请法律援助的事项", ["count"] = 1 });
        var items = Assert.IsAssignableFrom<IEnumerable<TextSearchResult>>(result.GetValue<object>());
        var top = Assert.Single(items);
        Assert.Equal("中华人民共和国示例法 第三条", top.Name);
        Assert.Contains("（一）请求支付劳动报酬", top.Value, StringComparison.Ordinal);
    }
}
