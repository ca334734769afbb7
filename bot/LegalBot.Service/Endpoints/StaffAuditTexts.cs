namespace LegalBot.Service.Endpoints;

/// <summary>Chinese text of the audit log API.</summary>
public static class StaffAuditTexts
{
    public const string OnlyAllOffices = "审计日志仅限全局管理员（“*”密钥）查看。";

    public static string BadDate(string name, string? value) => $"日期“{value}”无效（参数 {name}），请用 YYYY-MM-DD 格式，例如 2026-12-03。";

    public const string FromAfterTo = "开始日期不能晚于结束日期。";
}
