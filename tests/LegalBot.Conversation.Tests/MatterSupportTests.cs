using LegalBot.Conversation.Answering;
using LegalBot.Knowledge;
using LegalBot.Knowledge.Documents;
using LegalBot.Knowledge.Index;
using LegalBot.Knowledge.Search;
using LegalBot.Knowledge.Tests;

namespace LegalBot.Conversation.Tests;

/// <summary>A matter is answered only when its legal text or one of its wordings vouches for it, not on pooled wordings alone.</summary>
public sealed class MatterSupportTests : IAsyncLifetime
{
    private readonly TempKnowledge _k = new();
    private KnowledgeBase _kb = null!;

    private const string Matter = """
        ---
        id: matter-debt
        kind: matter
        title: 追讨欠款的步骤
        route: consult
        references:
          - law: 示例法
            article: 第三条
        ---

        # 追讨欠款的步骤

        ## 常见问法

        - 亲戚借钱不还
        - 借出去的钱要不回来
        - 朋友借了我五万一直拖着
        - 借钱的人躲着不见
        - 同学借钱不还电话也不接
        - 借给邻居的钱他不认账
        - 借条上的日子早就过了
        - 欠款催了好几次都不给
        - 借出去的钱两年了还没还
        - 他借钱时说好半年还

        ## 解答

        先协商，协商不成可以起诉。
        """;

    public async Task InitializeAsync()
    {
        _k.Write("laws/示例法.md", Samples.Statute);
        _k.Write("matters/a.md", Matter);
        _kb = await KnowledgeBase.OpenAsync(_k.Folder, null);
        await _kb.RefreshAsync(CancellationToken.None);
    }

    public Task DisposeAsync()
    {
        _kb.Dispose();
        _k.Dispose();
        return Task.CompletedTask;
    }

    private async Task<RetrievalResult> SearchAsync(string question) =>
        await _kb.View.Retriever.SearchAsync(question, new RetrievalOptions(10, Matters), CancellationToken.None);

    private static readonly SearchFilter Matters = new(Kinds: new HashSet<DocumentKind> { DocumentKind.Matter });

    [Fact]
    public async Task A_wording_close_to_the_question_vouches_for_the_matter()
    {
        var result = await SearchAsync("朋友借了我五万块一直拖着不还");
        Assert.Equal("追讨欠款的步骤", result.Best?.Document.Title);
        Assert.False(MatterSupport.IsUnsupported(result));
    }

    /// <summary>A story whose every content word occurs in some wording (coverage, hence confidence, is full) but close to none of them.</summary>
    [Fact]
    public async Task Background_words_spread_over_its_wordings_do_not()
    {
        var result = await SearchAsync("邻居的亲戚两年来一直躲着我，电话催了好几次，我每天上班下班都很累，晚上睡不好觉");
        Assert.Equal("追讨欠款的步骤", result.Best?.Document.Title);
        Assert.True(result.Confidence >= EngineOptions.DefaultConfidenceThreshold, result.Confidence.ToString());
        Assert.True(MatterSupport.IsUnsupported(result), $"conf={result.Confidence} legal={result.LegalCoverage} dice={QueryCoverage.BestVariantMatch(QueryCoverage.Bigrams(result.Query.Core), result.Best!)}");
    }
}
