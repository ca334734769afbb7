using LegalBot.Cases.Privacy;
using Microsoft.Playwright;

namespace LegalBot.Service.Tests;

/// <summary>The 群众提问 page in a real browser on a phone: grouped, masked questions, and attaching one to a guide section.</summary>
public sealed class DeskQuestionsBrowserTests
{
    private const string Key = "desk-questions-key";

    [Fact]
    public async Task Near_duplicate_questions_show_as_one_masked_group_and_one_is_attached_to_a_guide_section()
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
        await dl.AskAsync("这事儿几天能办好");
        await dl.AskAsync("这事儿几天能办好 我电话13812345678");

        await using var desk = await DeskBrowser.OpenAsync(service);
        desk.ConsoleErrors.Clear(); // before login: not this page's doing (the 404 seen here is the browser's own request)
        var missing = new List<string>();
        desk.Page.Response += (_, r) => { if (r.Status == 404) missing.Add(r.Url); };
        await desk.LoginAsync(Key);
        var page = await desk.OpenTabAsync("questions");
        var card = page.Locator("li.question").Filter(new LocatorFilterOptions { HasText = "这事儿几天能办好" });
        await card.First.WaitForAsync(new LocatorWaitForOptions { Timeout = 30_000 });
        Assert.Equal(1, await card.CountAsync());
        var text = await card.First.InnerTextAsync();
        Assert.Contains("2 次", text, StringComparison.Ordinal);
        Assert.Contains("未答", text, StringComparison.Ordinal);
        Assert.Contains("138****5678", text, StringComparison.Ordinal);
        Assert.DoesNotContain("13812345678", await page.InnerTextAsync(), StringComparison.Ordinal);

        await card.Locator("button.open-attach").ClickAsync();
        await card.Locator("input.target-search").FillAsync("法律援助多久能办完");
        await card.Locator("form.search button").ClickAsync();
        var target = card.Locator("li.target").Filter(new LocatorFilterOptions { HasText = "多久能办完" });
        await target.First.WaitForAsync(new LocatorWaitForOptions { Timeout = 30_000 });
        await desk.ScreenshotAsync("desk-questions.png");
        await target.First.Locator("button.add-here").ClickAsync();
        await card.Locator(".attach-status.added").WaitForAsync(new LocatorWaitForOptions { Timeout = 30_000 });
        Assert.Contains("已把这个问法添加到", await card.Locator(".attach-status").InnerTextAsync(), StringComparison.Ordinal);
        Assert.Contains("138****5678", await File.ReadAllTextAsync(Path.Combine(workspace.Knowledge, "guides", "legal-aid.md")), StringComparison.Ordinal);
        Assert.True(!desk.ConsoleErrors.Any(e => !e.Contains("401", StringComparison.Ordinal)), string.Join("\n", desk.ConsoleErrors.Concat(missing)));
    }
}
