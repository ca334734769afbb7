using LegalBot.Cases;

namespace LegalBot.Service.Endpoints;

/// <summary>Chinese text of the staff API's exports, in one place.</summary>
public static class StaffTexts
{
    public static readonly string[] CsvHeader = ["编号", "类型", "状态", "受理机构", "地区", "申请人", "手机号码", "经办人", "提交时间", "更新时间", "申请内容"];
    public const string Purged = "（已按保存期限删除）";

    public static string Kind(CaseKind kind) => kind == CaseKind.LegalAid ? "法律援助" : "人民调解";

    public static string Status(CaseStatus status) => status switch
    {
        CaseStatus.Submitted => "待受理",
        CaseStatus.Claimed => "已认领",
        CaseStatus.InProgress => "办理中",
        CaseStatus.Closed => "已办结",
        _ => "已转交",
    };
}
