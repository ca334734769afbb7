using System.Globalization;
using System.Net;
using System.Text.Json;
using LegalBot.Cases.Privacy;
using Microsoft.Playwright;

namespace LegalBot.Service.Tests;

/// <summary>精准普法 on the real service: what citizens asked and read over Direct Line shows in the desk's 普法 page.</summary>
public sealed class PublicityDeskTests
{
    private const string Key = "publicity-desk-key";

    [Fact]
    public async Task The_desk_shows_the_month_s_lessons_and_the_matters_a_town_asked_with_their_lesson_coverage()
    {
        using var workspace = new ServiceWorkspace();
        await using var service = await ServiceProcess.StartAsync(workspace.Knowledge, workspace.Data, new Dictionary<string, string>
        {
            ["Staff__Keys__0__Office"] = "*", ["Staff__Keys__0__Worker"] = "普法办", ["Staff__Keys__0__KeyHash"] = ApiKeys.Hash(Key),
        });
        var dl = new DirectLineClient(service.Http);
        await dl.StartAsync();
        Assert.NotEmpty(await dl.AskAsync("我在城关镇打工，老板拖欠工资三个月了怎么办"));
        Assert.NotEmpty(await dl.AskAsync("今日普法"));

        var month = DateTimeOffset.UtcNow.ToOffset(TimeSpan.FromHours(8)).ToString("yyyy-MM", CultureInfo.InvariantCulture);
        using var request = new HttpRequestMessage(HttpMethod.Get, "api/staff/publicity?month=" + month);
        request.Headers.Add("X-Api-Key", Key);
        using var response = await service.Http.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, body);
        var report = JsonDocument.Parse(body).RootElement.GetProperty("report");
        Assert.Equal(1, report.GetProperty("figures").GetProperty("lessonsRead").GetInt32());
        var town = report.GetProperty("towns").EnumerateArray().Single(t => t.GetProperty("town").GetString() == "城关镇");
        var matter = town.GetProperty("matters").EnumerateArray().Single();
        Assert.StartsWith("matter-labour-", matter.GetProperty("matterId").GetString(), StringComparison.Ordinal);
        Assert.NotEqual(matter.GetProperty("matterId").GetString(), matter.GetProperty("title").GetString());

        using var bad = new HttpRequestMessage(HttpMethod.Get, "api/staff/publicity?month=2026-13");
        bad.Headers.Add("X-Api-Key", Key);
        using var refused = await service.Http.SendAsync(bad);
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Contains("YYYY-MM", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        // The month's statistics export carries the same figures on its 普法 sheet.
        using var export = new HttpRequestMessage(HttpMethod.Get, "api/staff/stats.xlsx?month=" + month);
        export.Headers.Add("X-Api-Key", Key);
        using var xlsx = await service.Http.SendAsync(export);
        Assert.Equal(HttpStatusCode.OK, xlsx.StatusCode);
        using (var book = new ClosedXML.Excel.XLWorkbook(new MemoryStream(await xlsx.Content.ReadAsByteArrayAsync())))
        {
            var sheet = book.Worksheet("普法");
            var cells = sheet.CellsUsed().Select(c => c.GetString()).ToList();
            Assert.Contains("城关镇", cells);
            Assert.Contains(matter.GetProperty("title").GetString()!, cells);
            Assert.Equal("1", sheet.Cell(2, 3).GetString());
        }

        await using var desk = await DeskBrowser.OpenAsync(service);
        await desk.LoginAsync(Key);
        var page = await desk.OpenTabAsync("publicity");
        var section = page.Locator(".town-demand").Filter(new LocatorFilterOptions { HasText = "城关镇" });
        await section.First.WaitForAsync(new LocatorWaitForOptions { Timeout = 30_000 });
        Assert.Contains(matter.GetProperty("title").GetString()!, await section.First.InnerTextAsync(), StringComparison.Ordinal);
        Assert.Contains("学习课程 1 次", await page.InnerTextAsync(), StringComparison.Ordinal);
        await desk.ScreenshotAsync("desk-publicity.png");
        Assert.True(desk.ConsoleErrors.Count == 0, string.Join("\n", desk.ConsoleErrors));
    }
}
