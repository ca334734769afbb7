using System.Globalization;
using LegalBot.Cases;

namespace LegalBot.Service.Endpoints;

/// <summary>Chinese text of the staff API (errors the desk shows as they come, and exports), in one place.</summary>
public static class StaffTexts
{
    public static readonly string[] CsvHeader = ["编号", "类型", "状态", "受理机构", "地区", "申请人", "手机号码", "经办人", "提交时间", "更新时间", "申请内容"];
    public const string Purged = "（已按保存期限删除）";
    public const string AllOffices = "全部机构";

    public const string KeyRequired = "请先用工作人员密钥登录（请求头 " + StaffAuth.Header + "）；密钥无效或已停用时，请联系管理员。";
    public const string StoreUnavailable = "案件数据库暂时连接不上，请稍后再试。";

    public static string NoteTooLong(int max) => $"备注不能超过 {max} 个字。";
    public static string CaseNotFound(string reference) => $"没有找到案件 {reference}（编号有误，或不属于本机构）。";
    public static string UnknownStatus(string? status) =>
        $"未知的状态“{status}”，可选：submitted（待受理）、claimed（已认领）、in-progress（办理中）、closed（已办结）、referred（已转交）。";
    public static string CannotMove(string reference, CaseStatus from, CaseStatus to) =>
        $"案件 {reference} 当前为“{Status(from)}”，不能改为“{Status(to)}”。";
    public static string ChangedMeanwhile(string reference) => $"案件 {reference} 刚被其他工作人员更新，请刷新后再操作。";

    public static string Kind(CaseKind kind) => kind == CaseKind.LegalAid ? "法律援助" : "人民调解";

    public static string Status(CaseStatus status) => status switch
    {
        CaseStatus.Submitted => "待受理",
        CaseStatus.Claimed => "已认领",
        CaseStatus.InProgress => "办理中",
        CaseStatus.Closed => "已办结",
        _ => "已转交",
    };

    /// <summary>Exports show Beijing time (UTC+8, no daylight saving), as staff read it.</summary>
    public static string ChinaTime(DateTimeOffset t) => t.ToOffset(TimeSpan.FromHours(8)).ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture);
}
