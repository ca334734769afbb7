using LegalBot.Knowledge.Tests;
using Microsoft.Playwright;

namespace LegalBot.Service.Tests;

/// <summary>
/// The staff desk in Debian's Chromium (Playwright, never a downloaded browser), on a phone-sized viewport:
/// log in with a key, open a page's tab, take screenshots into TestResults/. Console errors are collected.
/// </summary>
internal sealed class DeskBrowser : IAsyncDisposable
{
    private const string Chromium = "/usr/bin/chromium";
    private readonly IPlaywright _playwright;
    private readonly IBrowser _browser;

    private DeskBrowser(IPlaywright playwright, IBrowser browser, IPage page)
    {
        _playwright = playwright;
        _browser = browser;
        Page = page;
        Page.Console += (_, m) => { if (m.Type == "error") ConsoleErrors.Add(m.Text + " " + m.Location); };
    }

    public IPage Page { get; }
    public List<string> ConsoleErrors { get; } = [];

    public static async Task<DeskBrowser> OpenAsync(ServiceProcess service, int width = 390, int height = 844)
    {
        Assert.True(File.Exists(Chromium), $"{Chromium} is missing: install Debian's chromium package (.ci/run does)");
        var playwright = await Playwright.CreateAsync();
        var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = Chromium,
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
        });
        var page = await browser.NewPageAsync(new BrowserNewPageOptions
        {
            ViewportSize = new ViewportSize { Width = width, Height = height }, Locale = "zh-CN", TimezoneId = "UTC", AcceptDownloads = true,
        });
        var desk = new DeskBrowser(playwright, browser, page);
        await page.GotoAsync(new Uri(service.BaseAddress, "staff.html").ToString());
        return desk;
    }

    public async Task LoginAsync(string key)
    {
        await Page.FillAsync("#key", key);
        await Page.ClickAsync("#login button[type=submit]");
    }

    /// <summary>Opens a desk page by its tab (the id given to <c>Desk.page</c>) and returns its section.</summary>
    public async Task<ILocator> OpenTabAsync(string id)
    {
        var tab = Page.Locator("#tab-" + id);
        await tab.WaitForAsync(new LocatorWaitForOptions { Timeout = 30_000 });
        await tab.ClickAsync();
        var section = Page.Locator("#page-" + id);
        await section.WaitForAsync(new LocatorWaitForOptions { State = WaitForSelectorState.Visible, Timeout = 30_000 });
        return section;
    }

    public async Task ScreenshotAsync(string name)
    {
        var shots = Path.Combine(TestPaths.RepoRoot, "TestResults");
        Directory.CreateDirectory(shots);
        await Page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(shots, name), FullPage = true });
    }

    public async ValueTask DisposeAsync()
    {
        await _browser.DisposeAsync();
        _playwright.Dispose();
    }
}
