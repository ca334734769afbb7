using LegalBot.Conversation.State;
using LegalBot.Knowledge;
using LegalBot.Knowledge.Tests;

namespace LegalBot.Conversation.Tests;

/// <summary>The legal help after an emergency reply, over the county folder (knowledge/ with the statutes).</summary>
public sealed class EmergencyLegalHelpTests
{
    /// <summary>
    /// 躲在厕所 is how school-bullying matters are worded; searched alone, those words answered a beaten wife from school
    /// bullying. The help must be about domestic violence (反家庭暴力法: protection order, police).
    /// </summary>
    [Fact]
    public async Task Help_after_a_domestic_violence_emergency_is_about_domestic_violence()
    {
        using var folder = new TempKnowledge();
        ConversationQualityTests.CopyTree(Path.Combine(TestPaths.RepoRoot, "knowledge"), folder.Folder);
        ConversationQualityTests.CopyTree(TestPaths.CorpusLaws, Path.Combine(folder.Folder, "laws"));
        using var kb = await KnowledgeBase.OpenAsync(folder.Folder, null);
        await kb.RefreshAsync(CancellationToken.None);
        var engine = new ConversationEngine(() => kb.View, new InMemoryConversationStore(), EngineOptions.Default, TimeProvider.System);

        var replies = await engine.HandleAsync(new InboundMessage("c1", "u1", "test", "他喝多了又在打我，我躲在厕所里"), CancellationToken.None);

        Assert.Equal(ReplyKind.Emergency, replies[0].Kind);
        var help = Assert.Single(replies, r => r.Kind == ReplyKind.Answer);
        Assert.Contains(help.Citations, c => c.Title.Contains("反家庭暴力法", StringComparison.Ordinal));
        Assert.DoesNotContain(help.Citations, c => c.Title.Contains("未成年人保护法", StringComparison.Ordinal));
    }
}
