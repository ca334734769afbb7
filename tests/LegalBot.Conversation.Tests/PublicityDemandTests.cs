using LegalBot.Conversation.Publicity;
using LegalBot.Conversation.State;
using LegalBot.Knowledge;
using LegalBot.Knowledge.Documents;
using LegalBot.Knowledge.Publicity;
using LegalBot.Knowledge.Tests;

namespace LegalBot.Conversation.Tests;

/// <summary>精准普法: answers from matters are counted by town, and the report shows which asked matters a lesson covers.</summary>
public sealed class PublicityDemandTests
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 3, 2, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task A_matter_answer_is_counted_with_the_town_the_message_names_and_other_replies_are_not()
    {
        using var k = new TempKnowledge();
        using var kb = await KnowledgeBase.OpenAsync(Path.Combine(TestPaths.RepoRoot, "knowledge"), null);
        await kb.RefreshAsync(CancellationToken.None);
        Directory.CreateDirectory(k.Data);
        await using var publicity = await SqlPublicityStore.OpenSqliteAsync(Path.Combine(k.Data, "publicity.db"), CancellationToken.None);
        var engine = new ConversationEngine(() => kb.View, new InMemoryConversationStore(), EngineOptions.Default, new FixedTime(T0),
            publicity: new PublicityOptions(publicity));
        Task Say(string conversation, string text) =>
            engine.HandleAsync(new InboundMessage(conversation, "webchat:" + conversation, "webchat", text), CancellationToken.None);

        await Say("a", "你好");
        await Say("a", "我在城关镇打工，老板拖欠工资三个月了怎么办");
        await Say("b", "今日普法");
        await Say("c", "老板拖欠工资三个月不给怎么办");

        var demand = await publicity.MattersAskedAsync(T0.AddDays(-1), T0.AddDays(1), CancellationToken.None);
        Assert.Equal(2, demand.Sum(d => d.Asked));
        var town = Assert.Single(demand, d => d.Town == "城关镇");
        Assert.StartsWith("matter-labour-", town.MatterId, StringComparison.Ordinal);
        Assert.Single(demand, d => d.Town == "");

        var report = PublicityReport.Build(await publicity.FiguresAsync(T0.AddDays(-1), T0.AddDays(1), CancellationToken.None), demand,
            kb.View.Publicity, new Dictionary<string, string>(), mattersPerTown: 10);
        var asked = report.Towns.Single(t => t.Town == "城关镇").Matters.Single();
        Assert.Equal(kb.View.Publicity.LessonsCovering(asked.MatterId).Count, asked.Lessons.Count);
        Assert.Equal(1, report.Figures.LessonsRead);
    }

    [Fact]
    public async Task The_report_flags_matters_no_lesson_covers_names_campaigns_and_keeps_the_most_asked_per_town()
    {
        using var k = new TempKnowledge();
        k.Write("campaigns/aid-week.md", PublicitySamples.Campaign);
        k.Write("lessons/aid-free.md", PublicitySamples.CampaignLesson);
        k.Write("lessons/aid-wages.md", PublicitySamples.SeasonLesson);
        var matters = new Dictionary<string, IReadOnlyList<ArticleReference>>
        {
            ["matter-wages"] = [new("示例法", "第三条")],
            ["matter-divorce"] = [new("示例法", "第九条")],
        };
        var (catalog, problems) = await PublicityCatalog.LoadAsync(k.Folder, matters, KnowledgeLimits.Default, CancellationToken.None);
        Assert.Empty(problems);
        var figures = new PublicityFigures(3, 1, 1, 80, [new("城关镇", 3, 1, 1, 80)], [new("campaign-aid-week", 2, 1, 1, 80), new("", 1, 0, 0, 0)]);
        MatterDemand[] demand = [new("城关镇", "matter-wages", 5), new("城关镇", "matter-divorce", 3), new("城关镇", "matter-gone", 1), new("河口乡", "matter-divorce", 2)];
        var titles = new Dictionary<string, string> { ["matter-wages"] = "被拖欠工资怎么办", ["matter-divorce"] = "协议离婚怎么办" };

        var report = PublicityReport.Build(figures, demand, catalog, titles, mattersPerTown: 2);

        Assert.Equal(["城关镇", "河口乡"], report.Towns.Select(t => t.Town));
        var town = report.Towns[0];
        Assert.Equal(9, town.Asked);
        Assert.Equal([("被拖欠工资怎么办", true, "讨薪可以申请法律援助"), ("协议离婚怎么办", false, "")],
            town.Matters.Select(m => (m.Title, m.Covered, string.Join("、", m.Lessons.Select(l => l.Title)))));
        Assert.Equal([("法律援助宣传周", 2), (null, 1)], report.Campaigns.Select(c => (c.Title, c.Figures.LessonsRead)));
        Assert.Throws<ArgumentOutOfRangeException>(() => PublicityReport.Build(figures, demand, catalog, titles, 0));
    }

    private sealed class FixedTime(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }
}
