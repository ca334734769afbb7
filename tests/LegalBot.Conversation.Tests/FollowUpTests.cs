using LegalBot.Conversation.State;
using LegalBot.Knowledge;
using LegalBot.Knowledge.Tests;

namespace LegalBot.Conversation.Tests;

/// <summary>Short follow-ups over the repository's knowledge folder, as a citizen asks them.</summary>
public sealed class FollowUpTests : IAsyncLifetime
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

    private ConversationEngine Engine() => new(() => _kb.View, new InMemoryConversationStore(), EngineOptions.Default, TimeProvider.System);

    private static InboundMessage Msg(string text) => new("c1", "u1", "test", text);

    /// <summary>"要去哪里告" alone matches nothing with confidence; after a wage question it asks where to bring that claim.</summary>
    [Theory]
    [InlineData("包工头跑了，工钱一分没拿到", "要去哪里告")]
    [InlineData("房东不退押金怎么办", "那要找谁")]
    public async Task A_follow_up_stays_with_the_document_that_answered_the_question(string question, string followUp)
    {
        var engine = Engine();
        var first = Assert.Single(await engine.HandleAsync(Msg(question), CancellationToken.None));
        Assert.Equal(ReplyKind.Answer, first.Kind);
        var alone = Assert.Single(await Engine().HandleAsync(Msg(followUp), CancellationToken.None));
        Assert.NotEqual(ReplyKind.Answer, alone.Kind);

        var follow = Assert.Single(await engine.HandleAsync(Msg(followUp), CancellationToken.None));
        Assert.Equal(ReplyKind.Answer, follow.Kind);
        Assert.Equal(first.Route, follow.Route);
        Assert.Equal(Document(first), Document(follow));
    }

    /// <summary>
    /// An elliptical question about the remedy ("能赔多少", "假一赔三吗", "要多长时间内起诉") is asked of the problem just told:
    /// it is answered under the statute of that problem (the time limit to sue: 民法典第一百八十八条), not declined as daily
    /// life or answered about another field of law.
    /// </summary>
    [Theory]
    [InlineData("网上买的羽绒服是假的，商家不给退", "能赔多少", "消费者权益保护法")]
    [InlineData("网上买的羽绒服是假的，商家不给退", "假一赔三吗", "消费者权益保护法")]
    [InlineData("网上买的羽绒服是假的，商家不给退", "要多长时间内起诉", "第一百八十八条")]
    [InlineData("老板拖了我三个月工资不给", "能告他吗", "劳动")]
    public async Task A_question_about_the_remedy_stays_with_the_law_of_the_problem(string question, string followUp, string law)
    {
        var engine = Engine();
        var first = Assert.Single(await engine.HandleAsync(Msg(question), CancellationToken.None));
        Assert.Equal(ReplyKind.Answer, first.Kind);
        var follow = Assert.Single(await engine.HandleAsync(Msg(followUp), CancellationToken.None));
        Assert.Equal(ReplyKind.Answer, follow.Kind);
        Assert.True(Sources(follow).Contains(law, StringComparison.Ordinal), Sources(follow));
    }

    /// <summary>A short question with a topic of its own starts a new topic.</summary>
    [Fact]
    public async Task A_short_question_with_its_own_topic_is_not_read_as_a_follow_up()
    {
        var engine = Engine();
        Assert.Equal(ReplyKind.Answer, Assert.Single(await engine.HandleAsync(Msg("网上买的羽绒服是假的，商家不给退"), CancellationToken.None)).Kind);
        var next = Assert.Single(await engine.HandleAsync(Msg("协议离婚要带什么材料"), CancellationToken.None));
        Assert.Equal(ReplyKind.Answer, next.Kind);
        Assert.DoesNotContain("消费者权益保护法", Sources(next) + next.Lead, StringComparison.Ordinal);
        Assert.Contains("婚", Sources(next) + next.Lead, StringComparison.Ordinal);
    }

    private static string Sources(OutboundReply reply) => string.Join("；", reply.Citations.Select(c => c.Title + c.Location));

    private static string Document(OutboundReply reply) => reply.Citations[0].ChunkId.Split('#')[0];
}
