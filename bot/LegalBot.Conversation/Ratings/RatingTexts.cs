using LegalBot.Cases.Statistics;

namespace LegalBot.Conversation.Ratings;

/// <summary>What the citizen reads of 好差评, in one place.</summary>
public static class RatingTexts
{
    public static string Request(string reference) =>
        $"您的案件 {reference} 已办结。请对本次服务作出评价（点选按钮，或回复序号 1-5）：1 非常满意、2 满意、3 基本满意、4 不满意、5 非常不满意。";

    public const string RequestNote = "评价不影响您继续咨询；直接输入问题即可照常提问。";

    public static string AskComment(RatingLevel level) =>
        $"已记录您的评价：{Name(level)}。还有什么意见或建议吗？请用一条消息告诉我们；不需要请回复“{Skip}”。";

    public const string Skip = "跳过";

    public const string ThanksNoComment = "感谢您的评价！如还有法律问题，可以继续提问。";

    public const string ThanksWithComment = "感谢您的意见，我们已转给办理机构。如还有法律问题，可以继续提问。";

    public const string FollowUpPromise = "您的不满意评价已转给办理机构，将有工作人员回访。";

    public const string AlreadyRated = "这个案件您已经评价过了，感谢！如还有法律问题，可以继续提问。";

    public static string Name(RatingLevel level) => level switch
    {
        RatingLevel.VerySatisfied => "非常满意",
        RatingLevel.Satisfied => "满意",
        RatingLevel.BasicallySatisfied => "基本满意",
        RatingLevel.Dissatisfied => "不满意",
        _ => "非常不满意",
    };
}
