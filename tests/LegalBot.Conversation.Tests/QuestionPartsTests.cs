using LegalBot.Conversation.Answering;

namespace LegalBot.Conversation.Tests;

public sealed class QuestionPartsTests
{
    [Fact]
    public void A_numbered_consultation_is_split_into_its_questions()
    {
        var parts = QuestionParts.Of("我和老公结婚十年了，他在外面有人了。我想离婚，请问：1.婚后买的房子写他名字，我能分一半吗？2.孩子八岁了，抚养权能归我吗？3.他出轨我能要赔偿吗？");
        Assert.Equal(["婚后买的房子写他名字，我能分一半吗", "孩子八岁了，抚养权能归我吗", "他出轨我能要赔偿吗"], parts);
    }

    [Theory]
    [InlineData("老板拖欠工资三个月了怎么办？")]
    [InlineData("包工头跑了，工钱一分没拿到，现在这钱找谁要啊")]
    [InlineData("离婚了孩子归谁？可以吗？")]
    public void One_question_is_not_split(string text) => Assert.Empty(QuestionParts.Of(text));

    [Fact]
    public void Questions_without_numbers_are_split_at_question_marks_and_另外()
    {
        var parts = QuestionParts.Of("房东不退押金怎么办？另外他还扣了我半个月房租，这合法吗");
        Assert.Equal(["房东不退押金怎么办", "他还扣了我半个月房租，这合法吗"], parts);
    }
}
