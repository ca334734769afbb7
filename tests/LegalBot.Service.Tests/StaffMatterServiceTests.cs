using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using LegalBot.Cases.Privacy;
using LegalBot.Knowledge.Tests;

namespace LegalBot.Service.Tests;

/// <summary>新建事项 through the real service: a draft from a citizen's question, refused while it breaks the folder's rules, saved, and answered from.</summary>
public sealed class StaffMatterServiceTests
{
    private const string Key = "matters-service-key";
    private const string AdminKey = "matters-admin-key";
    private const string Question = "家里养的蜜蜂把邻居小孩蛰了要赔钱吗 我电话13812345678";

    private static readonly string[] Variants =
    [
        "养的蜜蜂蛰了人要不要赔", "蜂箱放在院子里把路人蛰伤了谁负责", "邻居说我家蜜蜂蛰了他孩子找我要医药费", "养蜂的要对蜂蛰人负责吗",
        "被别人家的蜜蜂蛰了能要赔偿吗", "蜜蜂蛰伤小孩住院了养蜂人赔不赔", "我家的蜂把人蛰肿了怎么办", "养蜂户的蜜蜂伤人算谁的",
        "蜂蛰了人养蜂人说不是他家的蜂", "孩子去邻居家玩被蜜蜂蛰了谁担责",
    ];

    private static HttpRequestMessage Staff(HttpMethod method, string path, object? body = null, string key = Key)
    {
        var request = new HttpRequestMessage(method, path) { Content = body is null ? null : JsonContent.Create(body) };
        request.Headers.Add("X-Api-Key", key);
        return request;
    }

    private static IEnumerable<string> Citations(IEnumerable<JsonElement> replies) =>
        replies.Where(r => r.TryGetProperty("channelData", out _))
            .SelectMany(r => r.GetProperty("channelData").GetProperty("legalbot").GetProperty("citations").EnumerateArray())
            .Select(c => c.GetProperty("id").GetString()!);

    private static async Task<(HttpStatusCode Status, JsonElement Body)> SendAsync(ServiceProcess service, HttpMethod method, string path, object? body = null)
    {
        using var response = await service.Http.SendAsync(Staff(method, path, body));
        return (response.StatusCode, await response.Content.ReadFromJsonAsync<JsonElement>());
    }

    private static string Messages(JsonElement body) =>
        string.Join("\n", body.GetProperty("problems").EnumerateArray().Select(p => p.GetProperty("line").GetInt32() + ": " + p.GetProperty("message").GetString()));

    [Fact]
    public async Task A_matter_drafted_from_a_question_is_refused_until_complete_then_saved_and_answered_from_within_two_seconds()
    {
        using var workspace = new ServiceWorkspace();
        // A statute the folder holds, so references are proved against its text.
        var statute = Path.Combine(workspace.Knowledge, "regulations", "劳动合同法(2012-12-28).md");
        Directory.CreateDirectory(Path.GetDirectoryName(statute)!);
        File.Copy(Path.Combine(TestPaths.CorpusLaws, "社会法", "劳动合同法(2012-12-28).md"), statute);
        await using var service = await ServiceProcess.StartAsync(workspace.Knowledge, workspace.Data, new Dictionary<string, string>
        {
            ["Staff__Keys__0__Office"] = "office-legal-aid-center",
            ["Staff__Keys__0__Worker"] = "李老师",
            ["Staff__Keys__0__KeyHash"] = ApiKeys.Hash(Key),
            ["Staff__Keys__1__Office"] = "*",
            ["Staff__Keys__1__Worker"] = "局长",
            ["Staff__Keys__1__KeyHash"] = ApiKeys.Hash(AdminKey),
        });

        using (var anonymous = await service.Http.PostAsJsonAsync("api/staff/matters/draft", new { question = Question }))
            Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        var (badStatus, bad) = await SendAsync(service, HttpMethod.Post, "api/staff/matters/draft", new { question = " " });
        Assert.Equal(HttpStatusCode.BadRequest, badStatus);
        Assert.Contains("请提供群众的提问", bad.GetProperty("error").GetString(), StringComparison.Ordinal);

        // The draft: masked question, a fresh id in a domain folder, suggested statute articles, and not savable as it is.
        var (status, draft) = await SendAsync(service, HttpMethod.Post, "api/staff/matters/draft", new { question = Question });
        Assert.Equal(HttpStatusCode.OK, status);
        var fields = draft.GetProperty("fields");
        var id = fields.GetProperty("id").GetString()!;
        var path = draft.GetProperty("path").GetString()!;
        Assert.Matches("^matter-[a-z0-9-]+-q[0-9a-f]{6}$", id);
        Assert.StartsWith("matters/", path, StringComparison.Ordinal);
        Assert.Equal("家里养的蜜蜂把邻居小孩蛰了要赔钱吗 我电话138****5678", fields.GetProperty("questions")[0].GetString());
        Assert.DoesNotContain("13812345678", draft.GetProperty("markdown").GetString(), StringComparison.Ordinal);
        Assert.Contains(draft.GetProperty("suggested").EnumerateArray(), s => s.GetProperty("law").GetString() == "劳动合同法");
        Assert.False(draft.GetProperty("canSave").GetBoolean());
        Assert.Contains("还没有写“解答”", Messages(draft), StringComparison.Ordinal);
        var (refusedStatus, refused) = await SendAsync(service, HttpMethod.Post, "api/staff/matters", new { path, markdown = draft.GetProperty("markdown").GetString() });
        Assert.Equal((HttpStatusCode)422, refusedStatus);
        Assert.False(File.Exists(Path.Combine(workspace.Knowledge, path)));

        // The editor's fields, composed: a wrong quote of a held statute is refused at its line.
        var editorFields = new
        {
            id,
            title = "养的蜜蜂蛰伤了人",
            route = "consult",
            questions = new[] { fields.GetProperty("questions")[0].GetString()! }.Concat(Variants).ToArray(),
            answer = "饲养的动物（包括蜜蜂）伤了人，一般由饲养人承担赔偿责任，除非能证明是对方故意或者有重大过失。先带孩子就医、保留票据，和养蜂人协商；协商不成可以申请人民调解或者起诉。",
            references = new object[]
            {
                new { law = "民法典", article = "第一千二百四十五条", quote = "饲养的动物造成他人损害的，动物饲养人或者管理人应当承担侵权责任" },
                new { law = "劳动合同法", article = "第三十条", quote = "用人单位可以随时支付劳动报酬。" },
            },
        };
        var (_, preview) = await SendAsync(service, HttpMethod.Post, "api/staff/matters/preview", new { path, fields = editorFields });
        Assert.False(preview.GetProperty("canSave").GetBoolean());
        var markdown = preview.GetProperty("markdown").GetString()!;
        var wrong = preview.GetProperty("problems").EnumerateArray().Single(p => p.GetProperty("message").GetString()!.Contains("引文与条文原文不一致", StringComparison.Ordinal));
        Assert.Equal("  - law: 劳动合同法", markdown.Split('\n')[wrong.GetProperty("line").GetInt32() - 1]);
        Assert.Contains("无法核对", Messages(preview), StringComparison.Ordinal);

        // Path traversal and another document's id are refused, in Chinese.
        var good = markdown.Replace("用人单位可以随时支付劳动报酬。", "用人单位应当按照劳动合同约定和国家规定，向劳动者及时足额支付劳动报酬。", StringComparison.Ordinal);
        var (traversal, traversalBody) = await SendAsync(service, HttpMethod.Post, "api/staff/matters", new { path = "matters/../guides/x.md", markdown = good });
        Assert.Equal((HttpStatusCode)422, traversal);
        Assert.Contains("保存路径", Messages(traversalBody), StringComparison.Ordinal);
        var (taken, takenBody) = await SendAsync(service, HttpMethod.Post, "api/staff/matters",
            new { path, markdown = good.Replace("id: " + id, "id: matter-administrative-hukou-refused", StringComparison.Ordinal) });
        Assert.Equal((HttpStatusCode)422, taken);
        Assert.Contains("已被 matters/administrative/hukou-refused.md 使用", Messages(takenBody), StringComparison.Ordinal);

        var dl = new DirectLineClient(service.Http);
        await dl.StartAsync();
        Assert.DoesNotContain(Citations(await dl.AskAsync(Variants[0])), c => c.StartsWith(id + "#matter", StringComparison.Ordinal));

        var clock = Stopwatch.StartNew();
        var (savedStatus, saved) = await SendAsync(service, HttpMethod.Post, "api/staff/matters", new { path, markdown = good });
        var saveMs = clock.ElapsedMilliseconds;
        Assert.True(savedStatus == HttpStatusCode.OK, saved.ToString());
        Assert.True(saved.GetProperty("created").GetBoolean());
        var after = await dl.AskAsync(Variants[0]);
        clock.Stop();
        // A matter's citations are its chunk with each article it quotes.
        Assert.StartsWith(id + "#matter", Citations(after).FirstOrDefault() ?? "", StringComparison.Ordinal);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(2), $"answered from the new matter {clock.Elapsed.TotalMilliseconds:F0} ms after saving (save {saveMs} ms)");
        Assert.Equal(good, await File.ReadAllTextAsync(Path.Combine(workspace.Knowledge, path)));

        // Open for editing, edit, save again; the audit has both.
        var (gotStatus, got) = await SendAsync(service, HttpMethod.Get, "api/staff/matters/" + Uri.EscapeDataString(id));
        Assert.Equal(HttpStatusCode.OK, gotStatus);
        Assert.Equal(good, got.GetProperty("markdown").GetString());
        Assert.Equal(path, got.GetProperty("path").GetString());
        var edited = good.Replace("title: 养的蜜蜂蛰伤了人", "title: 养的蜜蜂蛰伤了邻居", StringComparison.Ordinal);
        var (editStatus, edit) = await SendAsync(service, HttpMethod.Post, "api/staff/matters", new { path, markdown = edited });
        Assert.True(editStatus == HttpStatusCode.OK, edit.ToString());
        Assert.False(edit.GetProperty("created").GetBoolean());
        var (missing, missingBody) = await SendAsync(service, HttpMethod.Get, "api/staff/matters/matter-no-such");
        Assert.Equal(HttpStatusCode.NotFound, missing);
        Assert.Contains("没有找到事项", missingBody.GetProperty("error").GetString(), StringComparison.Ordinal);
        using var audit = await service.Http.SendAsync(Staff(HttpMethod.Get, "api/staff/audit?worker=李老师", key: AdminKey));
        var entries = (await audit.Content.ReadFromJsonAsync<JsonElement>()).EnumerateArray()
            .Where(e => e.GetProperty("action").GetString() == "knowledge.matter")
            .Select(e => e.GetProperty("target").GetString() + " " + e.GetProperty("detail").GetString()).ToList();
        Assert.Equal([$"{path} created {id}", $"{path} edited {id}"], entries.Order(StringComparer.Ordinal));
    }
}
