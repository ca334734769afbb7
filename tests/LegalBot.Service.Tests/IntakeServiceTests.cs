using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using LegalBot.Cases;
using LegalBot.Cases.Privacy;

namespace LegalBot.Service.Tests;

/// <summary>Legal-aid intake through Direct Line, the case-worker API, webhooks and crash durability, on the real service.</summary>
public sealed class IntakeServiceTests
{
    private const string CentreKey = "centre-key-for-tests";
    private const string VillageKey = "village-key-for-tests";

    private static Dictionary<string, string> Environment(params (string, string)[] extra)
    {
        var env = new Dictionary<string, string>
        {
            ["Staff__Keys__0__Office"] = "office-legal-aid-center",
            ["Staff__Keys__0__Worker"] = "法援中心值班员",
            ["Staff__Keys__0__KeyHash"] = ApiKeys.Hash(CentreKey),
            ["Staff__Keys__1__Office"] = "office-mediation-dongguan",
            ["Staff__Keys__1__Worker"] = "东关村调解员",
            ["Staff__Keys__1__KeyHash"] = ApiKeys.Hash(VillageKey),
            ["Notifications__PollMilliseconds"] = "200",
            ["Notifications__MaxBackoffSeconds"] = "4",
        };
        foreach (var (k, v) in extra) env[k] = v;
        return env;
    }

    private static readonly string[] HappyPath =
        ["我想申请法律援助,老板欠我工资", "是", "城关镇东关村", "张三", "13812345678", "老板拖欠我三个月工资，一共一万二", "同意", "确认提交"];

    private static async Task<string> Text(DirectLineClient dl, string message)
    {
        var replies = await dl.AskAsync(message);
        Assert.NotEmpty(replies);
        return string.Join("\n", replies.Select(r => r.GetProperty("text").GetString()));
    }

    private static HttpRequestMessage Staff(HttpMethod method, string url, string key, object? body = null)
    {
        var m = new HttpRequestMessage(method, url);
        m.Headers.Add("X-Api-Key", key);
        if (body is not null) m.Content = JsonContent.Create(body);
        return m;
    }

    private static async Task<JsonElement> StaffJson(ServiceProcess s, HttpMethod method, string url, string key, object? body = null)
    {
        using var r = await s.Http.SendAsync(Staff(method, url, key, body));
        Assert.True(r.IsSuccessStatusCode, $"{url}: {(int)r.StatusCode} {await r.Content.ReadAsStringAsync()}");
        return await r.Content.ReadFromJsonAsync<JsonElement>();
    }

    [Fact]
    public async Task Legal_aid_intake_over_direct_line_reaches_the_case_worker_of_that_office_only()
    {
        using var workspace = new ServiceWorkspace();
        await using var service = await ServiceProcess.StartAsync(workspace.Knowledge, workspace.Data, Environment());
        var dl = new DirectLineClient(service.Http);
        await dl.StartAsync();

        var texts = new List<string>();
        foreach (var message in HappyPath) texts.Add(await Text(dl, message));
        Assert.True(HappyPath.Length <= 10);
        Assert.Contains("第四十二条", texts[0], StringComparison.Ordinal);
        Assert.Contains("出处", texts[0], StringComparison.Ordinal);
        var filed = texts[^1];
        var reference = ReferenceNumbers.Find(filed)!;
        Assert.Contains("示例县法律援助中心（演示数据）", filed, StringComparison.Ordinal);
        Assert.Contains("0000-1234567", filed, StringComparison.Ordinal);
        Assert.DoesNotContain("13812345678", service.Output, StringComparison.Ordinal);

        // The centre's worker sees it (masked in the list, whole in the case view), the village committee does not.
        var list = await StaffJson(service, HttpMethod.Get, "api/staff/cases?status=submitted", CentreKey);
        var row = Assert.Single(list.EnumerateArray());
        Assert.Equal((reference, "张*", "138****5678"), (row.GetProperty("reference").GetString(), row.GetProperty("applicant").GetString(), row.GetProperty("mobile").GetString()));
        var view = await StaffJson(service, HttpMethod.Get, $"api/staff/cases/{reference}", CentreKey);
        Assert.Equal("13812345678", view.GetProperty("mobile").GetString());
        Assert.Empty((await StaffJson(service, HttpMethod.Get, "api/staff/cases", VillageKey)).EnumerateArray());
        using (var other = await service.Http.SendAsync(Staff(HttpMethod.Get, $"api/staff/cases/{reference}", VillageKey))) Assert.Equal(HttpStatusCode.NotFound, other.StatusCode);
        using (var none = await service.Http.GetAsync("api/staff/cases")) Assert.Equal(HttpStatusCode.Unauthorized, none.StatusCode);
        using (var forged = await service.Http.SendAsync(Staff(HttpMethod.Get, "api/staff/cases", "guess"))) Assert.Equal(HttpStatusCode.Unauthorized, forged.StatusCode);

        // Claim, progress, a move the lifecycle forbids, and the citizen's progress query.
        var claimed = await StaffJson(service, HttpMethod.Post, $"api/staff/cases/{reference}/claim", CentreKey);
        Assert.Equal(("claimed", "法援中心值班员"), (claimed.GetProperty("status").GetString(), claimed.GetProperty("assignedTo").GetString()));
        await StaffJson(service, HttpMethod.Post, $"api/staff/cases/{reference}/status", CentreKey, new { status = "in-progress", note = "已指派律师" });
        using (var back = await service.Http.SendAsync(Staff(HttpMethod.Post, $"api/staff/cases/{reference}/status", CentreKey, new { status = "claimed" })))
            Assert.Equal(HttpStatusCode.Conflict, back.StatusCode);
        using (var bad = await service.Http.SendAsync(Staff(HttpMethod.Post, $"api/staff/cases/{reference}/status", CentreKey, new { status = "done" })))
            Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        var history = (await StaffJson(service, HttpMethod.Get, $"api/staff/cases/{reference}", CentreKey)).GetProperty("history");
        Assert.Equal(["submitted", "claimed", "in-progress"], history.EnumerateArray().Select(h => h.GetProperty("to").GetString()));
        Assert.Equal("已指派律师", history[2].GetProperty("note").GetString());

        var citizen = new DirectLineClient(service.Http);
        await citizen.StartAsync();
        await Text(citizen, "查询进度 " + reference);
        Assert.Contains("正在办理", await Text(citizen, "5678"), StringComparison.Ordinal);

        using var csv = await service.Http.SendAsync(Staff(HttpMethod.Get, "api/staff/cases.csv", CentreKey));
        var content = await csv.Content.ReadAsStringAsync();
        Assert.Contains(reference, content, StringComparison.Ordinal);
        Assert.Contains("138****5678", content, StringComparison.Ordinal);
        Assert.DoesNotContain("13812345678", content, StringComparison.Ordinal);
        Assert.DoesNotContain("张三", content, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_killed_service_resumes_the_intake_and_keeps_the_confirmed_case_exactly_once()
    {
        using var workspace = new ServiceWorkspace();
        var service = await ServiceProcess.StartAsync(workspace.Knowledge, workspace.Data, Environment());
        var dl = new DirectLineClient(service.Http);
        await dl.StartAsync();
        foreach (var message in HappyPath[..4]) await Text(dl, message);
        service.Kill(); // SIGKILL in the middle of the intake, right after the name was given
        await service.DisposeAsync();

        service = await ServiceProcess.StartAsync(workspace.Knowledge, workspace.Data, Environment());
        dl = new DirectLineClient(service.Http, dl.Token, dl.ConversationId);
        Assert.Contains("手机号码应为", await Text(dl, "不记得了"), StringComparison.Ordinal); // still at the mobile question
        foreach (var message in HappyPath[4..^1]) await Text(dl, message);
        var reference = ReferenceNumbers.Find(await Text(dl, "确认提交"))!;
        service.Kill(); // SIGKILL right after the confirmation
        await service.DisposeAsync();

        await using var restarted = await ServiceProcess.StartAsync(workspace.Knowledge, workspace.Data, Environment());
        dl = new DirectLineClient(restarted.Http, dl.Token, dl.ConversationId);
        var again = await Text(dl, "确认提交"); // the citizen (or a channel retry) confirms again
        Assert.Equal(reference, ReferenceNumbers.Find(again));
        var cases = await StaffJson(restarted, HttpMethod.Get, "api/staff/cases", CentreKey);
        Assert.Equal(reference, Assert.Single(cases.EnumerateArray()).GetProperty("reference").GetString());
    }

    [Fact]
    public async Task A_webhook_receiver_down_for_30_seconds_gets_every_notification_exactly_once()
    {
        using var workspace = new ServiceWorkspace();
        var port = ServiceProcess.FreePort();
        var office = Path.Combine(workspace.Knowledge, "offices", "legal-aid-center.md");
        File.WriteAllLines(office, File.ReadAllLines(office).Select(l => l.StartsWith("# webhook:", StringComparison.Ordinal) ? $"webhook: http://127.0.0.1:{port}/hook" : l));
        await using var service = await ServiceProcess.StartAsync(workspace.Knowledge, workspace.Data, Environment());

        var references = new List<string>();
        var started = DateTime.UtcNow;
        for (var i = 0; i < 3; i++)
        {
            var dl = new DirectLineClient(service.Http);
            await dl.StartAsync();
            var path = HappyPath.ToArray();
            path[4] = $"1380000000{i}";
            string last = "";
            foreach (var message in path) last = await Text(dl, message);
            references.Add(ReferenceNumbers.Find(last)!);
        }
        Assert.True(DateTime.UtcNow - started < TimeSpan.FromSeconds(10), "filing must not wait for the webhook");

        await Task.Delay(TimeSpan.FromSeconds(30) - (DateTime.UtcNow - started));
        var failed = await StaffJson(service, HttpMethod.Get, $"api/staff/cases/{references[0]}", CentreKey);
        var pending = Assert.Single(failed.GetProperty("notifications").EnumerateArray());
        Assert.True(pending.GetProperty("attempts").GetInt32() >= 3);
        Assert.Equal(JsonValueKind.Null, pending.GetProperty("deliveredAt").ValueKind);

        await using var receiver = await WebhookReceiver.StartAsync(port);
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (receiver.Received.Count < 3 && DateTime.UtcNow < deadline) await Task.Delay(200);
        await Task.Delay(TimeSpan.FromSeconds(6)); // longer than the longest backoff: any duplicate would have arrived
        var got = receiver.Received.ToList();
        Assert.Equal(3, got.Count);
        Assert.Equal(3, got.Select(g => g.Id).Distinct().Count());
        foreach (var reference in references)
        {
            var body = Assert.Single(got, g => g.Body.GetProperty("markdown").GetProperty("content").GetString()!.Contains(reference, StringComparison.Ordinal)).Body;
            Assert.Equal("markdown", body.GetProperty("msgtype").GetString());
            Assert.DoesNotContain("1380000000", body.GetRawText(), StringComparison.Ordinal);
        }
        var delivered = await StaffJson(service, HttpMethod.Get, $"api/staff/cases/{references[0]}", CentreKey);
        Assert.NotEqual(JsonValueKind.Null, delivered.GetProperty("notifications")[0].GetProperty("deliveredAt").ValueKind);
    }
}
