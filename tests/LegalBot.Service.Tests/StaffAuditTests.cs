using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using LegalBot.Cases;
using LegalBot.Cases.Privacy;
using Microsoft.Playwright;

namespace LegalBot.Service.Tests;

/// <summary>The audit log through the real service: case views, exports and status changes recorded, shown to the "*" key only.</summary>
public sealed class StaffAuditTests
{
    private const string OfficeKey = "audit-office-key";
    private const string AdminKey = "audit-admin-key";

    private static Dictionary<string, string> Keys(Dictionary<string, string>? more = null)
    {
        var env = new Dictionary<string, string>
        {
            ["Staff__Keys__0__Office"] = "office-legal-aid-center",
            ["Staff__Keys__0__Worker"] = "张老师",
            ["Staff__Keys__0__KeyHash"] = ApiKeys.Hash(OfficeKey),
            ["Staff__Keys__1__Office"] = "*",
            ["Staff__Keys__1__Worker"] = "管理员",
            ["Staff__Keys__1__KeyHash"] = ApiKeys.Hash(AdminKey),
        };
        foreach (var (k, v) in more ?? []) env[k] = v;
        return env;
    }

    internal static async Task<string> FileCaseAsync(ServiceProcess service)
    {
        var dl = new DirectLineClient(service.Http);
        await dl.StartAsync();
        string? reference = null;
        foreach (var m in new[] { "我想申请法律援助,老板欠我工资", "是", "城关镇东关村", "张三", "13812345678", "老板拖欠我三个月工资", "同意", "确认提交" })
            reference = ReferenceNumbers.Find(string.Join("\n", (await dl.AskAsync(m)).Select(r => r.GetProperty("text").GetString()))) ?? reference;
        Assert.NotNull(reference);
        return reference;
    }

    private static HttpRequestMessage Request(HttpMethod method, string path, string key, object? body = null)
    {
        var r = new HttpRequestMessage(method, path) { Content = body is null ? null : JsonContent.Create(body) };
        r.Headers.Add("X-Api-Key", key);
        return r;
    }

    [Fact]
    public async Task Views_exports_and_status_changes_are_recorded_and_only_the_star_key_reads_them()
    {
        using var workspace = new ServiceWorkspace();
        await using var service = await ServiceProcess.StartAsync(workspace.Knowledge, workspace.Data, Keys());
        var reference = await FileCaseAsync(service);

        Assert.Equal(HttpStatusCode.OK, (await service.Http.SendAsync(Request(HttpMethod.Get, $"api/staff/cases/{reference}", OfficeKey))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await service.Http.SendAsync(Request(HttpMethod.Post, $"api/staff/cases/{reference}/claim", OfficeKey))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await service.Http.SendAsync(Request(HttpMethod.Get, "api/staff/cases.csv?status=claimed", OfficeKey))).StatusCode);

        var refused = await service.Http.SendAsync(Request(HttpMethod.Get, "api/staff/audit", OfficeKey));
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.Contains("审计日志仅限", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        var today = DateTimeOffset.UtcNow.ToOffset(TimeSpan.FromHours(8)).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        var response = await service.Http.SendAsync(Request(HttpMethod.Get, $"api/staff/audit?from={today}&to={today}&worker=张老师", AdminKey));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var entries = (await response.Content.ReadFromJsonAsync<JsonElement>()).EnumerateArray()
            .Select(e => (Action: e.GetProperty("action").GetString(), Target: e.GetProperty("target").GetString(), Detail: e.GetProperty("detail").GetString(),
                Office: e.GetProperty("office").GetString()))
            .ToList();
        Assert.Equal([("case.export", "office=office-legal-aid-center;status=claimed", "1"), ("case.status", reference, "submitted→claimed"), ("case.view", reference, null)],
            entries.Select(e => (e.Action, e.Target, e.Detail)));
        Assert.All(entries, e => Assert.Equal("office-legal-aid-center", e.Office));

        // Another worker's filter, a day before any of it, and a bad date.
        Assert.Empty((await (await service.Http.SendAsync(Request(HttpMethod.Get, "api/staff/audit?worker=李老师", AdminKey))).Content.ReadFromJsonAsync<JsonElement>()).EnumerateArray());
        Assert.Empty((await (await service.Http.SendAsync(Request(HttpMethod.Get, "api/staff/audit?to=2020-01-01", AdminKey))).Content.ReadFromJsonAsync<JsonElement>()).EnumerateArray());
        var bad = await service.Http.SendAsync(Request(HttpMethod.Get, "api/staff/audit?from=12/03/2026", AdminKey));
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Contains("YYYY-MM-DD", await bad.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_retention_under_a_year_stops_the_service_with_one_clear_line()
    {
        using var workspace = new ServiceWorkspace();
        var ex = await Assert.ThrowsAsync<InvalidOperationException>(() => ServiceProcess.StartAsync(workspace.Knowledge, workspace.Data,
            new Dictionary<string, string> { ["Audit__RetentionDays"] = "90" }));
        Assert.Contains("legalbot: invalid configuration: Audit:RetentionDays must be between 365 and 36500", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_audit_page_lists_todays_actions_for_the_star_key_and_is_hidden_from_an_office()
    {
        using var workspace = new ServiceWorkspace();
        await using var service = await ServiceProcess.StartAsync(workspace.Knowledge, workspace.Data, Keys());
        var reference = await FileCaseAsync(service);
        Assert.Equal(HttpStatusCode.OK, (await service.Http.SendAsync(Request(HttpMethod.Post, $"api/staff/cases/{reference}/claim", OfficeKey))).StatusCode);

        await using (var office = await DeskBrowser.OpenAsync(service))
        {
            await office.LoginAsync(OfficeKey);
            await office.Page.Locator("#tab-cases").WaitForAsync(new LocatorWaitForOptions { Timeout = 30_000 });
            await office.Page.Locator("#page-cases").WaitForAsync(new LocatorWaitForOptions { State = WaitForSelectorState.Visible, Timeout = 30_000 });
            Assert.False(await office.Page.Locator("#tab-audit").IsVisibleAsync());
        }

        await using var desk = await DeskBrowser.OpenAsync(service);
        var failed = new List<string>();
        desk.Page.Response += (_, r) => { if (r.Status >= 400) failed.Add($"{r.Status} {r.Url}"); };
        await desk.LoginAsync(AdminKey);
        var page = await desk.OpenTabAsync("audit");
        var row = page.Locator("tbody tr").Filter(new LocatorFilterOptions { HasText = reference });
        await row.First.WaitForAsync(new LocatorWaitForOptions { Timeout = 30_000 });
        Assert.Contains("待受理→已认领", await row.First.InnerTextAsync(), StringComparison.Ordinal);
        Assert.Contains("张老师", await row.First.InnerTextAsync(), StringComparison.Ordinal);
        await desk.ScreenshotAsync("desk-audit.png");
        Assert.True(desk.ConsoleErrors.Count == 0, string.Join("; ", failed.Concat(desk.ConsoleErrors)));
    }
}
