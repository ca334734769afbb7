using LegalBot.Conversation.State;
using LegalBot.Knowledge;
using LegalBot.Knowledge.Tests;

namespace LegalBot.Conversation.Tests;

/// <summary>
/// Clarify instead of guess: two matters worded alike but resting on different articles make a question, and the
/// citizen's pick is answered from the matter picked (its own article), not from a new search.
/// </summary>
public sealed class ClarificationTests : IAsyncLifetime
{
    private readonly TempKnowledge _k = new();
    private KnowledgeBase _kb = null!;

    private static string Matter(string id, string title, string article, string answer) => $"""
        ---
        id: {id}
        kind: matter
        title: {title}
        route: consult
        references:
          - law: 示例法
            article: {article}
        ---

        # {title}

        ## 常见问法

        - 亲戚借钱不还
        - 借出去的钱要不回来
        - 朋友借了我五万一直拖着
        - 借钱的人躲着不见
        - 欠款催了好几次都不给
        - 同学借钱不还电话也不接
        - 借给邻居的钱他不认账
        - 借条上的日子早就过了
        - 借出去的钱两年了还没还
        - 他借钱时说好半年还

        ## 解答

        {answer}
        """;

    public async Task InitializeAsync()
    {
        _k.Write("laws/示例法.md", Samples.Statute);
        _k.Write("matters/a.md", Matter("matter-a", "追讨欠款的步骤", "第三条", "先协商，协商不成可以起诉。"));
        _k.Write("matters/b.md", Matter("matter-b", "主张权利的期限", "第四条", "要在期限内主张权利。"));
        _kb = await KnowledgeBase.OpenAsync(_k.Folder, null);
        await _kb.RefreshAsync(CancellationToken.None);
    }

    public Task DisposeAsync()
    {
        _kb.Dispose();
        _k.Dispose();
        return Task.CompletedTask;
    }

    [Fact]
    public async Task Close_matters_on_different_articles_ask_and_the_pick_is_answered_from_the_picked_matter()
    {
        var engine = new ConversationEngine(() => _kb.View, new InMemoryConversationStore(), EngineOptions.Default, TimeProvider.System);
        var ask = Assert.Single(await engine.HandleAsync(new InboundMessage("c1", "u1", "test", "亲戚借钱不还"), CancellationToken.None));
        Assert.Equal(ReplyKind.Clarify, ask.Kind);
        Assert.Empty(ask.Citations);
        Assert.Equal(["主张权利的期限", "追讨欠款的步骤"], ask.Actions.Select(a => a.Title).Order(StringComparer.Ordinal));

        var picked = Assert.Single(await engine.HandleAsync(new InboundMessage("c1", "u1", "test", "主张权利的期限"), CancellationToken.None));
        Assert.Equal(ReplyKind.Answer, picked.Kind);
        Assert.Contains(picked.Citations, c => c.Location == "第四条");
        Assert.DoesNotContain(picked.Citations, c => c.Location == "第三条");
    }

    [Fact]
    public async Task A_new_question_instead_of_a_pick_is_answered_as_a_question()
    {
        var engine = new ConversationEngine(() => _kb.View, new InMemoryConversationStore(), EngineOptions.Default, TimeProvider.System);
        Assert.Equal(ReplyKind.Clarify, Assert.Single(await engine.HandleAsync(new InboundMessage("c2", "u1", "test", "亲戚借钱不还"), CancellationToken.None)).Kind);
        var next = await engine.HandleAsync(new InboundMessage("c2", "u1", "test", "法律援助机构多少天内作出决定"), CancellationToken.None);
        Assert.Contains(next.SelectMany(r => r.Citations), c => c.Location == "第四条");
    }
}
