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

    private static string Document(OutboundReply reply) => reply.Citations[0].ChunkId.Split('#')[0];
}
