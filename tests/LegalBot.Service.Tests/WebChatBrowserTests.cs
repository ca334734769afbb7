using LegalBot.Knowledge.Tests;
using Microsoft.Playwright;

namespace LegalBot.Service.Tests;

/// <summary>
/// The real page in Debian's Chromium (/usr/bin/chromium, installed by .ci/run; never a downloaded browser),
/// driven by Playwright for .NET: the official Web Chat talks to the bot's Direct Line endpoints.
/// </summary>
public sealed class WebChatBrowserTests
{
    private const string Chromium = "/usr/bin/chromium";

    [Fact]
    public async Task A_citizen_asks_on_a_phone_and_gets_a_cited_answer_with_suggested_actions()
    {
        Assert.True(File.Exists(Chromium), $"{Chromium} is missing: install Debian's chromium package (.ci/run does)");
        using var workspace = new ServiceWorkspace();
        await using var service = await ServiceProcess.StartAsync(workspace.Knowledge, workspace.Data);

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = Chromium,
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
        });
        var page = await browser.NewPageAsync(new BrowserNewPageOptions { ViewportSize = new ViewportSize { Width = 390, Height = 844 }, Locale = "zh-CN" });
        var consoleErrors = new List<string>();
        page.Console += (_, m) => { if (m.Type == "error") consoleErrors.Add(m.Text); };

        await page.GotoAsync(service.BaseAddress.ToString());
        var input = page.Locator("[data-id='webchat-sendbox-input']");
        await input.WaitForAsync(new LocatorWaitForOptions { Timeout = 30_000 });
        await input.FillAsync("老板拖欠工资三个月了怎么办");
        await input.PressAsync("Enter");

        var answer = page.Locator(".webchat__bubble:not(.webchat__bubble--from-user)").Filter(new LocatorFilterOptions { HasText = "出处" });
        await answer.First.WaitForAsync(new LocatorWaitForOptions { Timeout = 30_000 });
        var suggested = page.Locator(".webchat__suggested-action");
        await suggested.First.WaitForAsync(new LocatorWaitForOptions { Timeout = 10_000 });

        var text = await answer.First.InnerTextAsync();
        // The wage-arrears matter: its plain answer and the article it rests on, quoted.
        Assert.Contains("拖欠工资", text, StringComparison.Ordinal);
        Assert.Contains("劳动合同法", text, StringComparison.Ordinal);
        Assert.True(await suggested.CountAsync() > 0);

        var shots = Path.Combine(TestPaths.RepoRoot, "TestResults");
        Directory.CreateDirectory(shots);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(shots, "webchat-phone.png"), FullPage = true });

        // The wage answer offers the legal-aid application; clicking it sends it as the user's next message,
        // and the intake's own buttons answer the dialog.
        var apply = suggested.Filter(new LocatorFilterOptions { HasText = "申请法律援助" });
        Assert.True(await apply.CountAsync() > 0, "the wage answer offers no legal-aid application");
        await apply.First.ClickAsync();
        var migrant = page.Locator(".webchat__suggested-action").Filter(new LocatorFilterOptions { HasText = "是，我是外出务工人员" });
        await migrant.First.WaitForAsync(new LocatorWaitForOptions { Timeout = 30_000 });
        await migrant.First.ClickAsync();
        var askArea = page.Locator(".webchat__bubble:not(.webchat__bubble--from-user)").Filter(new LocatorFilterOptions { HasText = "哪个乡镇" });
        await askArea.First.WaitForAsync(new LocatorWaitForOptions { Timeout = 30_000 });
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(shots, "webchat-intake.png"), FullPage = true });
        Assert.DoesNotContain(consoleErrors, e => e.Contains("Send failed", StringComparison.OrdinalIgnoreCase));
    }
}
