using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using LegalBot.Cases;

namespace LegalBot.Service.Tests;

/// <summary>Closing a mediation case through the real service records its outcome, and the 调成率 appears in the stats and the workbook.</summary>
public sealed class MediationOutcomeServiceTests
{
    private const string AdminKey = "stats-admin-key";

    internal static async Task<string> FileMediationAsync(ServiceProcess service, DirectLineClient? client = null)
    {
        var dl = client ?? new DirectLineClient(service.Http);
        if (client is null) await dl.StartAsync();
        string? reference = null;
        foreach (var m in new[] { "我是东关村的，想申请人民调解，和邻居闹矛盾了", "邻居", "李四", "13900001111", "邻居占了我家的过道，协商不成", "同意", "确认提交" })
            reference = ReferenceNumbers.Find(string.Join("\n", (await dl.AskAsync(m)).Select(r => r.GetProperty("text").GetString()))) ?? reference;
        Assert.NotNull(reference);
        return reference;
    }

    internal static async Task<HttpResponseMessage> PostAsync(ServiceProcess service, string path, string key, object body)
    {
        using var r = new HttpRequestMessage(HttpMethod.Post, path) { Content = JsonContent.Create(body) };
        r.Headers.Add("X-Api-Key", key);
        return await service.Http.SendAsync(r);
    }

    [Fact]
    public async Task A_mediation_case_is_closed_with_its_outcome_and_counts_in_the_success_rate()
    {
        using var workspace = new ServiceWorkspace();
        await using var service = await ServiceProcess.StartAsync(workspace.Knowledge, workspace.Data, StaffStatsTests.Keys());
        var reference = await FileMediationAsync(service);
        Assert.StartsWith("TJ-", reference, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, (await StaffStatsTests.SendAsync(service, HttpMethod.Post, $"api/staff/cases/{reference}/claim", AdminKey)).StatusCode);

        var missing = await PostAsync(service, $"api/staff/cases/{reference}/status", AdminKey, new { status = "closed", note = "已结束" });
        Assert.Equal(HttpStatusCode.BadRequest, missing.StatusCode);
        Assert.Contains("须选择调解结果", await missing.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        var unknown = await PostAsync(service, $"api/staff/cases/{reference}/status", AdminKey, new { status = "closed", outcome = "maybe" });
        Assert.Contains("未知的调解结果", await unknown.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        var closed = await PostAsync(service, $"api/staff/cases/{reference}/status", AdminKey, new { status = "closed", outcome = "succeeded", note = "达成协议" });
        Assert.Equal(HttpStatusCode.OK, closed.StatusCode);
        Assert.Equal("succeeded", (await closed.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("outcome").GetString());

        var month = DateTimeOffset.UtcNow.ToOffset(TimeSpan.FromHours(8)).ToString("yyyy-MM", System.Globalization.CultureInfo.InvariantCulture);
        var stats = await (await StaffStatsTests.SendAsync(service, HttpMethod.Get, "api/staff/stats?month=" + month, AdminKey)).Content.ReadFromJsonAsync<JsonElement>();
        var outcomes = stats.GetProperty("cases").GetProperty("mediationOutcomes");
        Assert.Equal((1, 0, 100.0), (outcomes.GetProperty("succeeded").GetInt32(), outcomes.GetProperty("failed").GetInt32(), outcomes.GetProperty("successRate").GetDouble()));

        var xlsx = await StaffStatsTests.SendAsync(service, HttpMethod.Get, "api/staff/stats.xlsx?month=" + month, AdminKey);
        using var book = new ClosedXML.Excel.XLWorkbook(new MemoryStream(await xlsx.Content.ReadAsByteArrayAsync()));
        var summary = book.Worksheet("年度报告数据");
        string Value(string item) => summary.RowsUsed().Single(r => r.Cell(1).GetString() == item).Cell(2).GetString();
        Assert.Equal(("1", "100", "1"), (Value("人民调解 受理（件）"), Value("人民调解 调成率（%）"), Value("其中：调解成功（件）")));
    }
}
