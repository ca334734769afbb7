using LegalBot.Cases;
using LegalBot.Cases.Ratings;

namespace LegalBot.Service.Endpoints;

/// <summary>Chinese text of 调解结果 (closing a mediation case) and 好差评 on the desk, in one place.</summary>
public static class StaffRatingTexts
{
    public const string OutcomeRequired =
        "办结人民调解案件须选择调解结果：succeeded（调解成功）、failed（调解不成功）或 terminated（终止调解）。";

    public static string UnknownOutcome(string? outcome) =>
        $"未知的调解结果“{outcome}”，可选：succeeded（调解成功）、failed（调解不成功）、terminated（终止调解）。";

    public static string OutcomeNotForKind(string reference) => $"案件 {reference} 是法律援助案件，没有调解结果；办结时请不要选择。";

    public static string Outcome(MediationOutcome outcome) => outcome switch
    {
        MediationOutcome.Succeeded => "调解成功",
        MediationOutcome.Failed => "调解不成功",
        _ => "终止调解",
    };

    public static string UnknownFollowUp(string? status) =>
        $"未知的回访状态“{status}”，可选：pending（待回访）、visited（已回访）、rectified（已整改）。";

    public static string RatingNotFound(string reference) => $"没有找到案件 {reference} 的评价（编号有误，或不属于本机构）。";

    public static string NotDissatisfied(string reference) => $"案件 {reference} 的评价不是“不满意”或“非常不满意”，无需回访。";

    public static string FollowUp(FollowUpStatus status) => status switch
    {
        FollowUpStatus.Pending => "待回访",
        FollowUpStatus.Visited => "已回访",
        _ => "已整改",
    };
}
