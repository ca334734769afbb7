using System.Net;
using System.Text.Json;
using LegalBot.Cases.Privacy;

namespace LegalBot.Service.Tests;

/// <summary>A month of activity through the real service appears in <c>GET /api/staff/stats</c>, scoped to the key's office for cases.</summary>
public sealed class StaffStatsTests
{
    private const string OfficeKey = "stats-office-key";
    private const string OtherKey = "stats-other-key";
    private const string AdminKey = "stats-admin-key";

    internal static Dictionary<string, string> Keys() => new()
    {
        ["Staff__Keys__0__Office"] = "office-legal-aid-center",
        ["Staff__Keys__0__Worker"] = "张老师",
        ["Staff__Keys__0__KeyHash"] = ApiKeys.Hash(OfficeKey),
        ["Staff__Keys__1__Office"] = "*",
        ["Staff__Keys__1__Worker"] = "管理员",
        ["Staff__Keys__1__KeyHash"] = ApiKeys.Hash(AdminKey),
        ["Staff__Keys__2__Office"] = "office-notary",
        ["Staff__Keys__2__Worker"] = "王老师",
        ["Staff__Keys__2__KeyHash"] = ApiKeys.Hash(OtherKey),
    };

    internal static async Task<HttpResponseMessage> SendAsync(ServiceProcess service, HttpMethod method, string path, string key)
    {
        using var r = new HttpRequestMessage(method, path);
        r.Headers.Add("X-Api-Key", key);
        return await service.Http.SendAsync(r);
    }

    private static async Task<JsonElement> StatsAsync(ServiceProcess service, string key, string query)
    {
        var response = await SendAsync(service, HttpMethod.Get, "api/staff/stats" + query, key);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
    }

    private static string Month => DateTimeOffset.UtcNow.ToOffset(TimeSpan.FromHours(8)).ToString("yyyy-MM", System.Globalization.CultureInfo.InvariantCulture);

    [Fact]
    public async Task Consultations_unanswered_questions_and_a_closed_case_appear_in_the_months_figures()
    {
        using var workspace = new ServiceWorkspace();
        await using var service = await ServiceProcess.StartAsync(workspace.Knowledge, workspace.Data, Keys());
        var dl = new DirectLineClient(service.Http);
        await dl.StartAsync();
        await dl.AskAsync("老板拖欠工资不给怎么办");
        await dl.AskAsync("请问火星上的土地怎么买卖");
        await dl.AskAsync("我是城关镇的，邻居占了我家宅基地怎么办");
        var reference = await StaffAuditTests.FileCaseAsync(service);
        Assert.Equal(HttpStatusCode.OK, (await SendAsync(service, HttpMethod.Post, $"api/staff/cases/{reference}/claim", OfficeKey)).StatusCode);
        using (var close = new HttpRequestMessage(HttpMethod.Post, $"api/staff/cases/{reference}/status") { Content = new StringContent("""{"status":"closed","note":"已办结"}""", System.Text.Encoding.UTF8, "application/json") })
        {
            close.Headers.Add("X-Api-Key", OfficeKey);
            Assert.Equal(HttpStatusCode.OK, (await service.Http.SendAsync(close)).StatusCode);
        }

        var stats = await StatsAsync(service, OfficeKey, "?month=" + Month);
        Assert.Equal(Month, stats.GetProperty("period").GetProperty("label").GetString());
        var figures = stats.GetProperty("consultationFigures");
        Assert.True(stats.GetProperty("consultations").GetInt32() >= 2, stats.ToString());
        Assert.True(stats.GetProperty("unanswered").GetInt32() + figures.GetProperty("clarified").GetInt32() >= 1, stats.ToString());
        Assert.True(figures.GetProperty("answered").GetInt32() >= 1, stats.ToString());
        Assert.Contains(figures.GetProperty("byChannel").EnumerateArray(), t => t.GetProperty("key").GetString() == "webchat");
        Assert.Contains(figures.GetProperty("byMatter").EnumerateArray(), t => t.GetProperty("key").GetString()!.Length > 0);
        // By town: the town a message names; the others under "" (未知乡镇), counted, not dropped. Cases by their area's town.
        var towns = figures.GetProperty("byTown").EnumerateArray().ToDictionary(t => t.GetProperty("key").GetString()!, t => t.GetProperty("count").GetInt32());
        Assert.Equal(1, towns.GetValueOrDefault("城关镇"));
        Assert.Equal(stats.GetProperty("consultations").GetInt32(), towns.Values.Sum());
        Assert.Equal(1, stats.GetProperty("cases").GetProperty("byTown").EnumerateArray().Sum(t => t.GetProperty("count").GetInt32()));
        var legalAid = stats.GetProperty("cases").GetProperty("legalAid");
        Assert.Equal((1, 1), (legalAid.GetProperty("received").GetInt32(), legalAid.GetProperty("closed").GetInt32()));
        Assert.True(stats.GetProperty("cases").GetProperty("daysToClose").GetDouble() >= 0);
        Assert.Equal(0, stats.GetProperty("satisfaction").GetProperty("ratings").GetInt32());

        // Cases are the key's office's: another office sees none, "*" sees all; the year holds the month.
        Assert.Equal(0, (await StatsAsync(service, OtherKey, "?month=" + Month)).GetProperty("cases").GetProperty("received").GetInt32());
        var year = await StatsAsync(service, AdminKey, "?year=" + Month[..4]);
        Assert.Equal(1, year.GetProperty("cases").GetProperty("received").GetInt32());
        Assert.Equal(stats.GetProperty("consultations").GetInt32(), year.GetProperty("consultations").GetInt32());

        // The workbook: the annual-report figures first, then days and breakdowns.
        var xlsx = await SendAsync(service, HttpMethod.Get, "api/staff/stats.xlsx?month=" + Month, OfficeKey);
        Assert.Equal(HttpStatusCode.OK, xlsx.StatusCode);
        using (var book = new ClosedXML.Excel.XLWorkbook(new MemoryStream(await xlsx.Content.ReadAsByteArrayAsync())))
        {
            Assert.Equal(["年度报告数据", "每日咨询", "分类统计", "普法"], book.Worksheets.Select(w => w.Name));
            var summary = book.Worksheet("年度报告数据");
            Assert.Contains("法治政府建设相关数据（示例县法律援助中心）", summary.Cell(1, 1).GetString(), StringComparison.Ordinal);
            string Value(string item) => summary.RowsUsed().Single(r => r.Cell(1).GetString() == item).Cell(2).GetString();
            Assert.Equal(stats.GetProperty("consultations").GetInt32().ToString(System.Globalization.CultureInfo.InvariantCulture), Value("咨询人次"));
            Assert.Equal(("1", "1", "本期无数据"), (Value("法律援助 受理（件）"), Value("法律援助 办结（件）"), Value("满意率（%）")));
            Assert.Equal(stats.GetProperty("consultations").GetInt32(), book.Worksheet("每日咨询").RowsUsed().Skip(1).Sum(r => r.Cell(2).GetValue<int>()));
            Assert.Contains(book.Worksheet("分类统计").RowsUsed(), r => r.Cell(1).GetString() == "案件状态" && r.Cell(2).GetString() == "已办结");
            Assert.Contains(book.Worksheet("分类统计").RowsUsed(), r => r.Cell(1).GetString() == "乡镇" && r.Cell(2).GetString() == "城关镇");
            Assert.Contains(book.Worksheet("分类统计").RowsUsed(), r => r.Cell(1).GetString() == "案件乡镇");
        }

        var bad = await SendAsync(service, HttpMethod.Get, "api/staff/stats?month=2026-13", OfficeKey);
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Contains("YYYY-MM", await bad.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }
}

/// <summary>The 统计 page in a real browser: figures, ECharts charts drawn from the locally served bundle, under the desk's CSP.</summary>
public sealed class StaffStatsBrowserTests
{
    [Fact]
    public async Task The_stats_page_shows_the_months_figures_and_charts_on_a_phone()
    {
        using var workspace = new ServiceWorkspace();
        await using var service = await ServiceProcess.StartAsync(workspace.Knowledge, workspace.Data, StaffStatsTests.Keys());
        var dl = new DirectLineClient(service.Http);
        await dl.StartAsync();
        await dl.AskAsync("老板拖欠工资不给怎么办");
        await StaffAuditTests.FileCaseAsync(service);

        var lib = await service.Http.GetAsync("staff-lib/echarts.min.js");
        Assert.Equal(HttpStatusCode.OK, lib.StatusCode);
        Assert.Contains("default-src 'self'", lib.Headers.GetValues("Content-Security-Policy").Single(), StringComparison.Ordinal);

        await using var desk = await DeskBrowser.OpenAsync(service);
        await desk.LoginAsync("stats-admin-key");
        var page = await desk.OpenTabAsync("stats");
        var cards = page.Locator("#stats-cards");
        await cards.Filter(new Microsoft.Playwright.LocatorFilterOptions { HasText = "法律援助 受理/办结" }).WaitForAsync(new Microsoft.Playwright.LocatorWaitForOptions { Timeout = 30_000 });
        Assert.Contains("1 / 0", await cards.InnerTextAsync(), StringComparison.Ordinal);
        // ECharts drew into each chart (a canvas of the chart's width).
        await page.Locator("#chart-days canvas").WaitForAsync(new Microsoft.Playwright.LocatorWaitForOptions { Timeout = 30_000 });
        Assert.Equal(5, await page.Locator(".stats-chart canvas").CountAsync());
        var width = await page.Locator("#chart-days canvas").EvaluateAsync<double>("c => c.getBoundingClientRect().width");
        Assert.InRange(width, 300, 390);
        await desk.ScreenshotAsync("desk-stats.png");
        Assert.True(desk.ConsoleErrors.Count == 0, string.Join("; ", desk.ConsoleErrors));
    }
}
