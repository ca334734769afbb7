using LegalBot.Conversation.Questions;
using LegalBot.Conversation.State;

namespace LegalBot.Conversation.Tests;

public sealed class QuestionGroupingTests
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 1, 8, 0, 0, TimeSpan.Zero);

    private static AskedQuestion Q(string text, int minute, AskedKind kind = AskedKind.Unanswered, string? source = null) => new(text, kind, T0.AddMinutes(minute), source);

    [Fact]
    public void Near_duplicates_form_one_group_with_a_count_newest_first()
    {
        var groups = QuestionGrouper.Group([
            Q("老板拖欠工资怎么办", 1),
            Q("狗咬人了谁赔", 2),
            Q("请问老板拖欠我工资怎么办？", 3, AskedKind.NotHelpful),
            Q("老板拖欠工资", 4, AskedKind.Clarified),
            Q("离婚孩子归谁", 0),
        ]);
        Assert.Equal(["老板拖欠工资", "狗咬人了谁赔", "离婚孩子归谁"], groups.Select(g => g.Question).ToArray());
        var wages = groups[0];
        Assert.Equal(3, wages.Count);
        Assert.Equal(T0.AddMinutes(4), wages.Latest);
        Assert.Equal([AskedKind.Unanswered, AskedKind.Clarified, AskedKind.NotHelpful], wages.Kinds);
        Assert.Equal([4, 3, 1], wages.Members.Select(m => m.At.Minute).ToArray());
    }

    [Fact]
    public void Width_numerals_and_scaffolding_do_not_split_a_group_but_other_topics_do()
    {
        Assert.Equal(1, QuestionGrouper.Similarity("欠了3个月工资", "欠了三个月工资"));
        Assert.True(QuestionGrouper.Similarity("请问邻居占我家宅基地怎么办", "邻居占我家宅基地") >= QuestionGrouper.DefaultThreshold);
        Assert.True(QuestionGrouper.Similarity("老板拖欠工资怎么办", "房东不退押金怎么办") < 0.2);
        Assert.Equal(0, QuestionGrouper.Similarity("？", "工资"));
        Assert.True(QuestionGrouper.Similarity("这事儿几天能办好", "这事儿几天能办好 我电话138****5678") >= QuestionGrouper.DefaultThreshold);
        Assert.True(QuestionGrouper.Similarity("这事儿几天能办好", "这事儿几天能办好 我电话13812345678") >= QuestionGrouper.DefaultThreshold);
    }

    [Fact]
    public void The_threshold_decides_and_must_be_a_fraction()
    {
        var questions = new[] { Q("邻居占我家宅基地", 1), Q("邻居占了宅基地还打人", 2) };
        Assert.Single(QuestionGrouper.Group(questions, threshold: 0.3));
        Assert.Equal(2, QuestionGrouper.Group(questions, threshold: 0.9).Count);
        Assert.Throws<ArgumentOutOfRangeException>(() => QuestionGrouper.Group(questions, threshold: 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => QuestionGrouper.Group(questions, threshold: 1.5));
    }

    [Fact]
    public void Groups_name_the_source_the_bot_came_closest_with_most_often()
    {
        var group = Assert.Single(QuestionGrouper.Group([
            Q("老板拖欠工资", 1, source: "a#x"), Q("老板拖欠工资了", 2, source: "b#y"), Q("老板拖欠工资吗", 3, source: "b#y"), Q("老板拖欠我工资", 4),
        ]));
        Assert.Equal("b#y", group.BestSource);
    }

    [Fact]
    public void Logged_entries_map_to_their_kind()
    {
        Assert.Equal(AskedKind.Clarified, AskedQuestion.From(new UnansweredQuestion("c", "webchat", "q", 0.5, null, T0) { Clarified = true }).Kind);
        Assert.Equal(AskedKind.Unanswered, AskedQuestion.From(new UnansweredQuestion("c", "webchat", "q", 0.1, null, T0)).Kind);
        var notHelpful = AskedQuestion.From(new FeedbackRecord("a", "c", false, "q", ["matter-x"], T0));
        Assert.Equal((AskedKind.NotHelpful, "matter-x"), (notHelpful.Kind, notHelpful.BestSource));
    }

    [Theory]
    [InlineData("我叫张三丰，电话13812345678，老板欠钱", "我叫张**，电话138****5678，老板欠钱")]
    [InlineData("姓名：李四 身份证110101199003071234", "姓名：李* 身份证1101**********1234")]
    [InlineData("我是农民工，老板欠钱", "我是农民工，老板欠钱")]
    public void Numbers_and_self_introduced_names_are_masked(string question, string masked) =>
        Assert.Equal(masked, QuestionMasking.Mask(question));
}
