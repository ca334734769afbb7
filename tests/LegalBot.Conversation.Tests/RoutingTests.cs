using LegalBot.Conversation.Answering;
using LegalBot.Conversation.Routing;
using LegalBot.Knowledge.Text;

namespace LegalBot.Conversation.Tests;

public class RoutingTests
{
    [Theory]
    [InlineData("你好", "greeting")]
    [InlineData("您好！", "greeting")]
    [InlineData("谢谢", "greeting")]
    [InlineData("我要申请法律援助", "legal-aid")]
    [InlineData("帮我找个调解员", "mediation")]
    [InlineData("办理公证要带什么", "notary")]
    [InlineData("对罚款不服想申请复议", "reconsideration")]
    [InlineData("我想上访", "petition")]
    [InlineData("老王家占了我家的地，想找村里人给说和说和", "mediation")]
    [InlineData("两家闹矛盾好久了，想请村里给评评理", "mediation")]
    [InlineData("我要举报我们村支书贪污扶贫款", "petition")]
    [InlineData("镇里这事办得不公，我想往上告", "petition")]
    public void Text_alone_decides_clear_cases(string text, string route) =>
        Assert.Equal(route, RouteClassifier.FromText(TextNormalizer.Normalize(text))!.Route);

    [Theory]
    [InlineData("派出所罚了我的款，想申请复议", "reconsideration", true)]
    [InlineData("村里的人民调解委员会能管这事吗", "mediation", true)]
    [InlineData("打架的事派出所调解了，对方又不给钱", "mediation", false)]
    [InlineData("手写的遗嘱没去公证，有用吗", "notary", false)]
    [InlineData("邻居占了我的路，村委会能帮忙调解吗", "mediation", true)]
    [InlineData("两家吵架了，找谁来调解", "mediation", true)]
    [InlineData("在街道调解那签了协议，对方不认账", "mediation", false)]
    [InlineData("撞车以后交警给调解了，对方不给钱", "mediation", false)]
    [InlineData("我不想调解，能直接起诉吗", "mediation", false)]
    [InlineData("想反映村干部优亲厚友的问题", "petition", true)]
    public void A_service_is_named_clearly_or_not(string text, string route, bool clearly) =>
        Assert.Equal(clearly, RouteClassifier.NamesClearly(TextNormalizer.Normalize(text), route));

    [Theory]
    [InlineData("老板拖欠工资怎么办")]
    [InlineData("今天星期几")]
    [InlineData("想向消协投诉这个商家")]
    [InlineData("遗嘱没去公证，算数吗")]
    [InlineData("快递员态度太差，怎么投诉")]
    public void Other_questions_wait_for_retrieval(string text) =>
        Assert.Null(RouteClassifier.FromText(TextNormalizer.Normalize(text)));

    [Fact]
    public void Retrieval_decides_by_the_best_documents_service_or_scope()
    {
        var aid = new Knowledge.Documents.DocumentInfo("a", "a.md", "h", "中华人民共和国法律援助法", null, Knowledge.Documents.DocumentKind.Regulation, null, null, null, null, [], null);
        var labour = aid with { Title = "中华人民共和国劳动争议调解仲裁法" };
        Assert.Equal(Routes.LegalAid, RouteClassifier.FromRetrieval(aid, confident: true).Route);
        Assert.Equal(Routes.Consult, RouteClassifier.FromRetrieval(labour, confident: true).Route);
        Assert.Equal(Routes.OutOfScope, RouteClassifier.FromRetrieval(aid, confident: false).Route);
    }

    [Theory]
    [InlineData("那要带什么材料?", true)]
    [InlineData("多久能办完?", true)]
    [InlineData("离婚后孩子归谁抚养，财产怎么分，房子写的是男方名字", false)]
    [InlineData("那公证要带什么材料", false)]
    [InlineData("离婚要带什么材料", false)]
    [InlineData("在哪里申请？", true)]
    [InlineData("费用多少", true)]
    public void Follow_ups_are_short_and_on_topic(string text, bool expected) =>
        Assert.Equal(expected, FollowUpDetector.IsFollowUp(TextNormalizer.Normalize(text), "法律援助是免费的吗", Routes.LegalAid));

    [Fact]
    public void No_follow_up_without_a_previous_question() =>
        Assert.False(FollowUpDetector.IsFollowUp("那要带什么材料", null, null));
}

public class ExcerptTests
{
    [Fact]
    public void Long_articles_keep_the_stem_and_the_matching_items_whole()
    {
        var items = string.Join('\n', Enumerable.Range(1, 12).Select(i => $"（{ChineseNumerals.ToChinese(i)}）第{i}项内容，这里写了很多很多与问题无关的文字，凑够长度。"));
        var text = "第三条 下列事项可以申请：\n" + items.Replace("（五）第5项内容", "（五）请求支付劳动报酬的事项", StringComparison.Ordinal);
        var excerpt = ExcerptSelector.Select(text, ["劳动", "报酬"], budget: 120);
        var lines = excerpt.Split('\n');
        Assert.Equal("第三条 下列事项可以申请：", lines[0]);
        Assert.Contains(lines, l => l.StartsWith("（五）请求支付劳动报酬的事项", StringComparison.Ordinal));
        Assert.Contains(ExcerptSelector.Ellipsis, lines);
        Assert.True(excerpt.Length < text.Length);
    }

    [Fact]
    public void Short_texts_are_quoted_whole() =>
        Assert.Equal("第一条 短。\n第二段。", ExcerptSelector.Select("第一条 短。\n第二段。", ["短"]));
}
