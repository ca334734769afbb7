using System.Text.Json;
using LegalBot.Knowledge;
using LegalBot.Knowledge.Safety;
using LegalBot.Knowledge.Tests;
using Xunit.Abstractions;

namespace LegalBot.Conversation.Tests;

/// <summary>
/// The crisis model learns "safe" from the matters' wordings, so adding legal content must not move its decisions on
/// emergencies: trained with the folder's wordings and with the folder plus the ordinary questions below (new matters'
/// kind of wordings, several about injuries and accidents, which read most like emergencies), the decisions on every
/// emergency set may change on at most a few lines, and never more than a few non-emergencies may start to alarm.
/// </summary>
public sealed class CrisisStabilityTests(ITestOutputHelper output)
{
    /// <summary>Ordinary legal questions of the kind new matters bring (written for this test, not taken from any evaluation set).</summary>
    private static readonly string[] ExtraWordings =
    [
        "几个人一起给朋友担保，债主只找我一个人要钱怎么办", "我替别人还了担保的钱，能找其他担保人分摊吗", "担保人能不能拿借款人的抗辩来对付债主",
        "主合同无效了担保人还要不要承担责任", "借款到期了债主半年没找担保人，还能找吗", "保证合同没写保证方式，算一般保证还是连带",
        "邻居要从我家地里过路，签了通行协议能不能反悔", "地役权要不要登记才算数", "我家房子卖了，之前给邻居的通行权还有效吗",
        "邻居在我家墙上搭管子，我能不能要使用费", "把金项链押给别人借钱，到期还了钱他不还项链", "质押的东西被对方弄坏了谁赔",
        "格式合同里写着最终解释权归商家，有效吗", "健身卡合同写着概不退款，能退吗", "商家没提醒我免责条款，这条款算数吗",
        "去年出车祸腿骨折了，对方保险公司只赔一半合理吗", "被狗咬了打了疫苗，狗主人不肯出钱怎么办", "上班路上摔伤了能不能算工伤",
        "工地上砸伤了手，老板不给报销医药费", "孩子在学校被同学推倒摔断了牙，学校要负责吗", "被人打了轻微伤，派出所调解不成能起诉吗",
        "医院手术后留下后遗症，怎么申请医疗事故鉴定", "交通事故伤残鉴定要去哪里做", "骑电动车被汽车刮倒了，交警认定我次要责任，能赔多少",
        "老人在超市滑倒摔伤了，超市有没有责任", "装修工人从梯子上摔下来，房东要赔吗", "喝酒后朋友开车出事，同桌喝酒的要担责吗",
        "宠物店把我的狗洗死了怎么赔", "楼上掉下来花盆砸坏了我的车，找不到是谁扔的", "小区电梯坏了把人困了半小时，物业要赔吗",
        "离婚后孩子抚养费不给怎么办", "借条上没写利息，能要利息吗", "房东不退押金能去哪里告", "公司拖欠工资三个月，怎么申请劳动仲裁",
        "网购买到假货怎么维权", "遗嘱没有公证还有效吗", "宅基地能不能卖给外村人", "交了定金又不想买了能退吗",
        "被裁员了经济补偿怎么算", "试用期被辞退有没有补偿",
    ];

    [Fact]
    public async Task Adding_ordinary_wordings_does_not_move_emergency_decisions()
    {
        using var kb = await KnowledgeBase.OpenAsync(Path.Combine(TestPaths.RepoRoot, "knowledge"), null);
        await kb.RefreshAsync(CancellationToken.None);
        var (lexicon, wordings) = (kb.View.Crisis.Lexicon, kb.View.Scope.CitizenWordings);
        var before = new CrisisDetector(lexicon, wordings);
        var after = new CrisisDetector(lexicon, [.. wordings, .. ExtraWordings]);
        output.WriteLine($"taught as safe: {before.OrdinaryTaught} of {before.OrdinaryCandidates} eligible of {wordings.Count} wordings, then {after.OrdinaryTaught} of {after.OrdinaryCandidates}");
        var data = Path.Combine(TestPaths.RepoRoot, "tests", "data");
        List<string> Questions(string pattern) => Directory.GetFiles(data, pattern).Order(StringComparer.Ordinal)
            .SelectMany(File.ReadLines).Where(l => l.Trim().Length > 0)
            .Select(l => JsonDocument.Parse(l).RootElement.GetProperty("question").GetString()!).ToList();
        var emergencies = Questions("emergency*.jsonl");
        var others = Questions("non-emergency*.jsonl");
        var lost = emergencies.Count(q => before.Assess(q).IsEmergency && !after.Assess(q).IsEmergency);
        var gained = emergencies.Count(q => !before.Assess(q).IsEmergency && after.Assess(q).IsEmergency);
        var newAlarms = others.Count(q => !before.Assess(q).IsEmergency && after.Assess(q).IsEmergency);
        var goneAlarms = others.Count(q => before.Assess(q).IsEmergency && !after.Assess(q).IsEmergency);
        output.WriteLine($"{ExtraWordings.Length} wordings added: emergencies {emergencies.Count} (lost {lost}, gained {gained}), non-emergencies {others.Count} (new alarms {newAlarms}, gone {goneAlarms})");
        // It must not lose an emergency the folder's model caught, and may move at most one decision at the margin. (Trained in a
        // seeded shuffle over all wordings, as before 2026-12-06, the same 40 wordings moved three: an emergency gained, two new alarms.)
        Assert.Equal(0, lost);
        Assert.True(lost + gained + newAlarms + goneAlarms <= 1, $"{lost + gained + newAlarms + goneAlarms} decisions moved");
        Assert.True(after.OrdinaryTaught - before.OrdinaryTaught <= ExtraWordings.Length);
    }
}
