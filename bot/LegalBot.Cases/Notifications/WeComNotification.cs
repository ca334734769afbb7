using System.Text.Json;
using LegalBot.Cases.Privacy;

namespace LegalBot.Cases.Notifications;

/// <summary>
/// The new-case message in WeCom group-robot format (<c>{"msgtype":"markdown",…}</c>), which most county
/// offices already use. Personal numbers are masked: a chat group is not the authenticated case view.
/// </summary>
public static class WeComNotification
{
    public static string NewCase(CaseRecord c)
    {
        var kind = c.Kind == CaseKind.LegalAid ? "法律援助申请" : "人民调解申请";
        var lines = new List<string>
        {
            $"**新的{kind}** {c.Reference}",
            $"> 受理机构：{c.OfficeName}",
            $"> 地区：{c.Area}",
        };
        if (c.Applicant is { } a) lines.Add($"> 申请人：{PiiMasking.MaskName(a.Name)}（{PiiMasking.MaskMobile(a.Mobile)}）");
        foreach (var (key, value) in c.Details) lines.Add($"> {key}：{value}");
        lines.Add("请登录工作台查看并认领。");
        return JsonSerializer.Serialize(new { msgtype = "markdown", markdown = new { content = string.Join('\n', lines) } });
    }
}
