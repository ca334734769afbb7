using LegalBot.Knowledge.Tests.Import;
using Microsoft.Playwright;

namespace LegalBot.Service.Tests;

/// <summary>The 知识库 page in a phone-sized browser: the list with a broken file's problem, then a Word statute imported, edited and saved.</summary>
public sealed class KnowledgeDeskBrowserTests
{
    private const string Key = "knowledge-import-key";
    private static readonly LocatorWaitForOptions Wait = new() { Timeout = 30_000 };

    [Fact]
    public async Task Staff_see_problems_preview_a_Word_statute_edit_it_and_save_it()
    {
        using var workspace = new ServiceWorkspace();
        File.WriteAllText(Path.Combine(workspace.Knowledge, "guides", "zhinan.md"), "---\ntitle: 指南\nregion: 示例县\nkind: 指南\n---\n\n## 正文\n\n文字。\n");
        await using var service = await ServiceProcess.StartAsync(workspace.Knowledge, workspace.Data, StaffKnowledgeServiceTests.Environment());
        var docx = Path.Combine(workspace.Root, "养犬条例.docx");
        File.WriteAllBytes(docx, OfficeSamples.Docx(StaffKnowledgeServiceTests.DogStatute));

        await using var desk = await DeskBrowser.OpenAsync(service);
        var notFound = new List<string>();
        desk.Page.Response += (_, r) => { if (r.Status == 404) notFound.Add(r.Url); };
        await desk.LoginAsync(Key);
        var page = await desk.OpenTabAsync("knowledge");
        var broken = page.Locator("tr[data-path='guides/zhinan.md']");
        await broken.WaitForAsync(Wait);
        var brokenText = await broken.InnerTextAsync();
        Assert.Contains("第 4 行：unknown kind '指南'", brokenText, StringComparison.Ordinal);
        Assert.Contains("未编入索引", brokenText, StringComparison.Ordinal);
        Assert.Contains("办事指南", await page.Locator("tr[data-path='guides/notarization.md']").InnerTextAsync(), StringComparison.Ordinal);

        await page.Locator("#import-file").SetInputFilesAsync(docx);
        await page.Locator("#import-preview-button").ClickAsync();
        var editor = page.Locator("textarea.import-markdown");
        await editor.WaitForAsync(Wait);
        Assert.Equal("regulations/示例县养犬管理条例.md", await page.Locator("input.import-path").InputValueAsync());
        var markdown = await editor.InputValueAsync();
        Assert.Contains("kind: regulation", markdown, StringComparison.Ordinal);
        Assert.Contains("第二条 养犬人应当自取得犬只之日起三十日内", markdown, StringComparison.Ordinal);
        await desk.ScreenshotAsync("desk-knowledge-preview.png");

        // Staff correct the text before saving; what is saved is what they see.
        await editor.FillAsync(markdown.Replace("领取犬牌", "领取犬牌和免疫证明", StringComparison.Ordinal));
        await page.Locator("button.import-save").ClickAsync();
        await page.Locator("#import-notice").Filter(new LocatorFilterOptions { HasText = "已保存 regulations/示例县养犬管理条例.md" }).WaitForAsync(Wait);
        var saved = page.Locator("tr[data-path='regulations/示例县养犬管理条例.md']");
        await saved.WaitForAsync(Wait);
        Assert.Contains("法规", await saved.InnerTextAsync(), StringComparison.Ordinal);
        Assert.Contains("领取犬牌和免疫证明", File.ReadAllText(Path.Combine(workspace.Knowledge, "regulations", "示例县养犬管理条例.md")), StringComparison.Ordinal);
        await desk.ScreenshotAsync("desk-knowledge.png");

        // The page fits a phone: nothing wider than the screen but the scrolling table.
        var overflow = await desk.Page.EvaluateAsync<int>("() => document.documentElement.scrollWidth - window.innerWidth");
        Assert.True(overflow <= 0, $"page is {overflow}px wider than the phone");
        // Nothing the page asked for after logging in was missing (the browser's favicon request at load may be).
        Assert.Empty(notFound);
        Assert.DoesNotContain(desk.ConsoleErrors, e => !e.Contains("401", StringComparison.Ordinal) && !e.Contains("404", StringComparison.Ordinal));
    }
}
