using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using LegalBot.Cases;
using Microsoft.Playwright;

namespace LegalBot.Service.Tests;

/// <summary>
/// 好差评 through the real service over Direct Line: a case is filed, staff close it, the citizen's next message
/// gets the request, a 不满意 with a comment reaches the office's 差评回访 list, the follow-up is saved and audited,
/// and the statistics count it.
/// </summary>
public sealed class RatingServiceTests
{
    private const string OfficeKey = "stats-office-key";
    private const string OtherKey = "stats-other-key";
    private const string AdminKey = "stats-admin-key";

    private static string Texts(IEnumerable<JsonElement> activities) =>
        string.Join("\n", activities.Select(a => a.TryGetProperty("text", out var t) ? t.GetString() : ""));

    /// <summary>Files a legal-aid case in <paramref name="dl"/>'s conversation, then claims and closes it at the desk.</summary>
    internal static async Task<string> FileAndCloseAsync(ServiceProcess service, DirectLineClient dl)
    {
        string? reference = null;
        foreach (var m in new[] { "我想申请法律援助,老板欠我工资", "是", "城关镇东关村", "张三", "13812345678", "老板拖欠我三个月工资", "同意", "确认提交" })
            reference = ReferenceNumbers.Find(Texts(await dl.AskAsync(m))) ?? reference;
        Assert.NotNull(reference);
        Assert.Equal(HttpStatusCode.OK, (await StaffStatsTests.SendAsync(service, HttpMethod.Post, $"api/staff/cases/{reference}/claim", OfficeKey)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await MediationOutcomeServiceTests.PostAsync(service, $"api/staff/cases/{reference}/status", OfficeKey,
            new { status = "closed", note = "已指派律师并结案" })).StatusCode);
        return reference;
    }

    internal static async Task RateDissatisfiedAsync(DirectLineClient dl, string reference)
    {
        var visit = Texts(await dl.AskAsync("你好"));
        Assert.Contains($"您的案件 {reference} 已办结", visit, StringComparison.Ordinal);
        Assert.Contains("将有工作人员回访", Texts(await dl.AskAsync("不满意")), StringComparison.Ordinal);
        Assert.Contains("感谢您的意见", Texts(await dl.AskAsync("办理速度太慢，希望改进")), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_closed_case_is_rated_at_the_next_message_flagged_to_the_office_followed_up_and_counted()
    {
        using var workspace = new ServiceWorkspace();
        await using var service = await ServiceProcess.StartAsync(workspace.Knowledge, workspace.Data, StaffStatsTests.Keys());
        var dl = new DirectLineClient(service.Http);
        await dl.StartAsync();
        var reference = await FileAndCloseAsync(service, dl);
        await RateDissatisfiedAsync(dl, reference);
        // Answered once: the same words again are just a message now, and count nothing.
        Assert.DoesNotContain("已记录您的评价", Texts(await dl.AskAsync("不满意")), StringComparison.Ordinal);

        var list = await (await StaffStatsTests.SendAsync(service, HttpMethod.Get, "api/staff/ratings", OfficeKey)).Content.ReadFromJsonAsync<JsonElement>();
        var rating = Assert.Single(list.EnumerateArray());
        Assert.Equal((reference, "dissatisfied", "办理速度太慢，希望改进", "pending"), (rating.GetProperty("reference").GetString(),
            rating.GetProperty("level").GetString(), rating.GetProperty("comment").GetString(), rating.GetProperty("followUp").GetString()));
        Assert.False(rating.TryGetProperty("conversationId", out _));
        Assert.Empty((await (await StaffStatsTests.SendAsync(service, HttpMethod.Get, "api/staff/ratings", OtherKey)).Content.ReadFromJsonAsync<JsonElement>()).EnumerateArray());
        Assert.Single((await (await StaffStatsTests.SendAsync(service, HttpMethod.Get, "api/staff/ratings", AdminKey)).Content.ReadFromJsonAsync<JsonElement>()).EnumerateArray());

        var bad = await MediationOutcomeServiceTests.PostAsync(service, $"api/staff/ratings/{reference}/follow-up", OfficeKey, new { status = "done" });
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Contains("未知的回访状态", await bad.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, (await MediationOutcomeServiceTests.PostAsync(service, $"api/staff/ratings/{reference}/follow-up", OtherKey,
            new { status = "visited" })).StatusCode);
        var saved = await MediationOutcomeServiceTests.PostAsync(service, $"api/staff/ratings/{reference}/follow-up", OfficeKey,
            new { status = "visited", note = "已电话回访，说明延误原因并致歉" });
        Assert.Equal(HttpStatusCode.OK, saved.StatusCode);
        var savedJson = await saved.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(("visited", "张老师"), (savedJson.GetProperty("followUp").GetString(), savedJson.GetProperty("followUpBy").GetString()));

        var view = await (await StaffStatsTests.SendAsync(service, HttpMethod.Get, $"api/staff/cases/{reference}", OfficeKey)).Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("已电话回访，说明延误原因并致歉", view.GetProperty("rating").GetProperty("followUpNote").GetString());

        var today = DateTimeOffset.UtcNow.ToOffset(TimeSpan.FromHours(8)).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        var audit = await (await StaffStatsTests.SendAsync(service, HttpMethod.Get, $"api/staff/audit?from={today}&to={today}", AdminKey)).Content.ReadFromJsonAsync<JsonElement>();
        Assert.Contains(audit.EnumerateArray(), e => e.GetProperty("action").GetString() == "rating.follow-up" && e.GetProperty("target").GetString() == reference);

        var stats = await (await StaffStatsTests.SendAsync(service, HttpMethod.Get, "api/staff/stats", OfficeKey)).Content.ReadFromJsonAsync<JsonElement>();
        var satisfaction = stats.GetProperty("satisfaction");
        Assert.Equal((1, 0.0), (satisfaction.GetProperty("ratings").GetInt32(), satisfaction.GetProperty("rate").GetDouble()));
        Assert.Equal(1, satisfaction.GetProperty("levels").EnumerateArray().Single(l => l.GetProperty("key").GetString() == "dissatisfied").GetProperty("count").GetInt32());
        var xlsx = await StaffStatsTests.SendAsync(service, HttpMethod.Get, "api/staff/stats.xlsx", OfficeKey);
        using var book = new ClosedXML.Excel.XLWorkbook(new MemoryStream(await xlsx.Content.ReadAsByteArrayAsync()));
        string Value(string item) => book.Worksheet("年度报告数据").RowsUsed().Single(r => r.Cell(1).GetString() == item).Cell(2).GetString();
        Assert.Equal(("0", "1"), (Value("满意率（%）"), Value("评价数")));
    }

    [Fact]
    public async Task The_follow_up_page_lists_the_dissatisfied_rating_and_saves_a_follow_up_on_a_phone()
    {
        using var workspace = new ServiceWorkspace();
        await using var service = await ServiceProcess.StartAsync(workspace.Knowledge, workspace.Data, StaffStatsTests.Keys());
        var dl = new DirectLineClient(service.Http);
        await dl.StartAsync();
        var reference = await FileAndCloseAsync(service, dl);
        await RateDissatisfiedAsync(dl, reference);

        await using var desk = await DeskBrowser.OpenAsync(service);
        await desk.LoginAsync(OfficeKey);
        var page = await desk.OpenTabAsync("ratings");
        var card = page.Locator(".rating").Filter(new LocatorFilterOptions { HasText = reference });
        await card.WaitForAsync(new LocatorWaitForOptions { Timeout = 30_000 });
        Assert.Contains("办理速度太慢，希望改进", await card.InnerTextAsync(), StringComparison.Ordinal);
        Assert.Contains("不满意", await card.InnerTextAsync(), StringComparison.Ordinal);
        await card.Locator(".follow-up-status").SelectOptionAsync("rectified");
        await card.Locator(".follow-up-note").FillAsync("已回访并调整指派流程");
        await card.Locator(".follow-up-save").ClickAsync();
        await card.Locator(".follow-up-saved").Filter(new LocatorFilterOptions { HasText = "已整改" }).WaitForAsync(new LocatorWaitForOptions { Timeout = 30_000 });
        await desk.ScreenshotAsync("desk-ratings.png");
        Assert.True(desk.ConsoleErrors.Count == 0, string.Join("; ", desk.ConsoleErrors));

        var view = await (await StaffStatsTests.SendAsync(service, HttpMethod.Get, $"api/staff/cases/{reference}", OfficeKey)).Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(("rectified", "已回访并调整指派流程"), (view.GetProperty("rating").GetProperty("followUp").GetString(),
            view.GetProperty("rating").GetProperty("followUpNote").GetString()));
    }
}
