using LegalBot.Conversation.Answering;
using LegalBot.Knowledge.Text;

namespace LegalBot.Conversation.Tests;

public sealed class TopicFreeTests
{
    [Theory]
    [InlineData("这事儿几天能办好")]
    [InlineData("这事儿几天能办好 我电话13812345678")]
    [InlineData("这个要带什么材料")]
    [InlineData("要多长时间")]
    public void A_message_naming_no_problem_is_topic_free(string text) => Assert.True(TopicFree.Is(TextNormalizer.Normalize(text)), TextNormalizer.Normalize(text));

    [Theory]
    [InlineData("公证几天能办好")]
    [InlineData("离婚要带什么材料")]
    [InlineData("老板拖欠工资怎么办")]
    [InlineData("法律援助多久能办完")]
    public void A_message_naming_its_problem_is_not(string text) => Assert.False(TopicFree.Is(TextNormalizer.Normalize(text)));
}
