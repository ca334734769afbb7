using LegalBot.Cases;
using LegalBot.Cases.Privacy;
using Microsoft.Playwright;

namespace LegalBot.Service.Tests;

/// <summary>The case page of the staff desk in a real browser: Chinese errors, the office's name, Beijing time.</summary>
public sealed class DeskBrowserTests
{
    private const string Key = "desk-browser-key";

    [Fact]
    public async Task A_worker_logs_in_sees_the_office_name_and_the_case_in_Beijing_time_and_errors_are_Chinese()
    {
        using var workspace = new ServiceWorkspace();
        await using var service = await ServiceProcess.StartAsync(workspace.Knowledge, workspace.Data, new Dictionary<string, string>
        {
            ["Staff__Keys__0__Office"] = "office-legal-aid-center",
            ["Staff__Keys__0__Worker"] = "张老师",
            ["Staff__Keys__0__KeyHash"] = ApiKeys.Hash(Key),
        });
        var dl = new DirectLineClient(service.Http);
        await dl.StartAsync();
        string? reference = null;
        foreach (var m in new[] { "我想申请法律援助,老板欠我工资", "是", "城关镇东关村", "张三", "13812345678", "老板拖欠我三个月工资", "同意", "确认提交" })
            reference = ReferenceNumbers.Find(string.Join("\n", (await dl.AskAsync(m)).Select(r => r.GetProperty("text").GetString()))) ?? reference;
        Assert.NotNull(reference);

        await using var desk = await DeskBrowser.OpenAsync(service);
        await desk.LoginAsync("wrong-key");
        await desk.Page.Locator("#error").Filter(new LocatorFilterOptions { HasText = "密钥" }).WaitForAsync(new LocatorWaitForOptions { Timeout = 30_000 });
        Assert.DoesNotContain("required", await desk.Page.InnerTextAsync("#error"), StringComparison.Ordinal);

        await desk.LoginAsync(Key);
        var cases = await desk.OpenTabAsync("cases");
        var row = cases.Locator("tbody tr").Filter(new LocatorFilterOptions { HasText = reference });
        await row.First.WaitForAsync(new LocatorWaitForOptions { Timeout = 30_000 });
        Assert.Contains("张老师（示例县法律援助中心）", await desk.Page.InnerTextAsync("#who"), StringComparison.Ordinal);
        var rowText = await row.First.InnerTextAsync();
        Assert.Contains("张*", rowText, StringComparison.Ordinal);
        Assert.DoesNotContain("13812345678", rowText, StringComparison.Ordinal);

        // The browser runs in UTC; the desk still shows the submission in Beijing time.
        var beijing = DateTimeOffset.UtcNow.ToOffset(TimeSpan.FromHours(8));
        Assert.Contains($"{beijing:yyyy}/{beijing.Month}/{beijing.Day}", rowText, StringComparison.Ordinal);
        await desk.ScreenshotAsync("desk-cases.png");

        await row.First.ClickAsync();
        await desk.Page.Locator("#detail").Filter(new LocatorFilterOptions { HasText = "13812345678" }).WaitForAsync(new LocatorWaitForOptions { Timeout = 30_000 });
        Assert.DoesNotContain(desk.ConsoleErrors, e => !e.Contains("401", StringComparison.Ordinal));
    }
}
