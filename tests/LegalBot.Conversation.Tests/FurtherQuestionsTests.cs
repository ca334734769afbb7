using LegalBot.Conversation.State;
using LegalBot.Knowledge;
using LegalBot.Knowledge.Tests;

namespace LegalBot.Conversation.Tests;

/// <summary>A message asking several questions about different problems is answered question by question, over the repository's matters.</summary>
public sealed class FurtherQuestionsTests : IAsyncLifetime
{
    private KnowledgeBase _kb = null!;

    public async Task InitializeAsync()
    {
        _kb = await KnowledgeBase.OpenAsync(Path.Combine(TestPaths.RepoRoot, "knowledge"), null);
        await _kb.RefreshAsync(CancellationToken.None);
    }

    public Task DisposeAsync()
    {
        _kb.Dispose();
        return Task.CompletedTask;
    }

    private Task<IReadOnlyList<OutboundReply>> AskAsync(string text) =>
        new ConversationEngine(() => _kb.View, new InMemoryConversationStore(), EngineOptions.Default, TimeProvider.System)
            .HandleAsync(new InboundMessage("c1", "u1", "test", text), CancellationToken.None);

    [Fact]
    public async Task Each_numbered_question_gets_its_own_matter()
    {
        var replies = await AskAsync("我和老公结婚十年了，他在外面有人了。我想离婚，请问：1.孩子八岁了，抚养权能归我吗？2.他出轨我能要赔偿吗？");
        Assert.All(replies, r => Assert.Equal(ReplyKind.Answer, r.Kind));
        Assert.True(replies.Count >= 2, string.Join(" | ", replies.Select(r => r.Lead[..20])));
        var further = replies.Skip(1).ToList();
        Assert.All(further, r => Assert.StartsWith("您还问到“", r.Lead, StringComparison.Ordinal));
        var cited = replies.SelectMany(r => r.Citations).Select(c => c.Location).ToList();
        Assert.Contains("第一千零八十四条", cited); // custody
        Assert.Contains("第一千零九十一条", cited); // damages for the spouse at fault
        // No answer repeats another's governing article.
        Assert.Equal(replies.Count, replies.Select(r => r.Citations[0].Location).Distinct().Count());
    }

    [Fact]
    public async Task A_single_question_gets_one_answer()
    {
        var replies = await AskAsync("老板拖欠工资三个月了，我该怎么办？");
        Assert.Single(replies);
    }
}
