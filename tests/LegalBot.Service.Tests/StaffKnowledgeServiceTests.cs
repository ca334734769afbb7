using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using LegalBot.Cases.Privacy;
using LegalBot.Knowledge.Tests.Import;

namespace LegalBot.Service.Tests;

/// <summary>The 知识库 API through the real service: the document list with problems, and a Word statute imported and answered from.</summary>
public sealed class StaffKnowledgeServiceTests
{
    private const string Key = "knowledge-import-key";

    public static readonly string[] DogStatute =
    [
        "#0 示例县养犬管理条例",
        "2023年3月1日示例县人民代表大会常务委员会第五次会议通过",
        "第一章　总则",
        "第一条\u3000为了规范养犬行为，保障公民人身安全，制定本条例。",
        "第二章　犬只登记",
        "第二条\u3000养犬人应当自取得犬只之日起三十日内到县公安局办理犬只登记，领取犬牌。",
        "第三条\u3000携犬出户的，应当为犬只束犬链，由成年人牵领。",
    ];

    public static Dictionary<string, string> Environment() => new()
    {
        ["Staff__Keys__0__Office"] = "*",
        ["Staff__Keys__0__Worker"] = "李老师",
        ["Staff__Keys__0__KeyHash"] = ApiKeys.Hash(Key),
    };

    private static async Task<HttpResponseMessage> SendAsync(ServiceProcess service, HttpMethod method, string path, HttpContent? content = null, string? key = Key)
    {
        using var request = new HttpRequestMessage(method, path) { Content = content };
        if (key is not null) request.Headers.Add("X-Api-Key", key);
        return await service.Http.SendAsync(request);
    }

    public static MultipartFormDataContent Upload(string name, byte[] bytes)
    {
        var file = new ByteArrayContent(bytes);
        file.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        return new MultipartFormDataContent { { file, "file", name } };
    }

    [Fact]
    public async Task The_list_shows_each_document_with_chunks_and_problems_at_the_right_line()
    {
        using var workspace = new ServiceWorkspace();
        File.WriteAllText(Path.Combine(workspace.Knowledge, "guides", "zhinan.md"), "---\ntitle: 指南\nregion: 示例县\nkind: 指南\n---\n\n## 正文\n\n文字。\n");
        await using var service = await ServiceProcess.StartAsync(workspace.Knowledge, workspace.Data, Environment());

        using var response = await SendAsync(service, HttpMethod.Get, "api/staff/knowledge");
        response.EnsureSuccessStatusCode();
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        var documents = body.GetProperty("documents").EnumerateArray().ToList();

        var notarization = documents.Single(d => d.GetProperty("path").GetString() == "guides/notarization.md");
        Assert.Equal("guide", notarization.GetProperty("kind").GetString());
        Assert.False(string.IsNullOrEmpty(notarization.GetProperty("id").GetString()));
        Assert.True(notarization.GetProperty("chunks").GetInt32() > 0);
        Assert.True(notarization.GetProperty("served").GetBoolean());
        Assert.All(notarization.GetProperty("problems").EnumerateArray(), p => Assert.True(p.GetProperty("warning").GetBoolean()));

        // An unknown kind is a listed problem on its own line, never a silent drop.
        var unknown = documents.Single(d => d.GetProperty("path").GetString() == "guides/zhinan.md");
        Assert.False(unknown.GetProperty("served").GetBoolean());
        var problem = Assert.Single(unknown.GetProperty("problems").EnumerateArray());
        Assert.Equal(4, problem.GetProperty("line").GetInt32());
        Assert.Contains("unknown kind '指南'", problem.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Contains(body.GetProperty("problems").EnumerateArray(), p => p.GetString()!.StartsWith("guides/zhinan.md:4:", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_Word_statute_is_previewed_saved_and_answered_from()
    {
        using var workspace = new ServiceWorkspace();
        await using var service = await ServiceProcess.StartAsync(workspace.Knowledge, workspace.Data, Environment());

        using var anonymous = await SendAsync(service, HttpMethod.Post, "api/staff/knowledge/preview", Upload("养犬条例.docx", OfficeSamples.Docx(DogStatute)), key: null);
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);

        using var preview = await SendAsync(service, HttpMethod.Post, "api/staff/knowledge/preview", Upload("养犬条例.docx", OfficeSamples.Docx(DogStatute)));
        preview.EnsureSuccessStatusCode();
        var body = await preview.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(body.GetProperty("canSave").GetBoolean());
        var file = Assert.Single(body.GetProperty("files").EnumerateArray().ToList());
        var path = file.GetProperty("path").GetString()!;
        var markdown = file.GetProperty("markdown").GetString()!;
        Assert.Equal("regulations/示例县养犬管理条例.md", path);
        Assert.Contains("kind: regulation", markdown, StringComparison.Ordinal);
        Assert.Contains("\n第二条 养犬人应当自取得犬只之日起三十日内", markdown, StringComparison.Ordinal);

        using var escape = await SendAsync(service, HttpMethod.Post, "api/staff/knowledge/save", JsonContent.Create(new { path = "../evil.md", markdown }));
        Assert.Equal(HttpStatusCode.BadRequest, escape.StatusCode);
        Assert.Contains("不合规", (await escape.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("error").GetString(), StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(workspace.Root, "evil.md")));

        using var broken = await SendAsync(service, HttpMethod.Post, "api/staff/knowledge/save", JsonContent.Create(new { path, markdown = "---\ntitle: [坏\n---\n正文\n" }));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, broken.StatusCode);
        Assert.False(File.Exists(Path.Combine(workspace.Knowledge, path)));

        using var save = await SendAsync(service, HttpMethod.Post, "api/staff/knowledge/save", JsonContent.Create(new { path, markdown }));
        save.EnsureSuccessStatusCode();
        Assert.True((await save.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("indexed").GetBoolean());
        Assert.Equal(markdown, File.ReadAllText(Path.Combine(workspace.Knowledge, path)));

        using var again = await SendAsync(service, HttpMethod.Post, "api/staff/knowledge/save", JsonContent.Create(new { path, markdown }));
        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
        using var audit = await SendAsync(service, HttpMethod.Get, "api/staff/audit");
        Assert.Contains(path, await audit.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Contains("knowledge.upload", await audit.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        var dl = new DirectLineClient(service.Http);
        await dl.StartAsync();
        var answer = string.Join("\n", (await dl.AskAsync("养的狗多少天内要办理犬只登记")).Select(a => a.GetProperty("text").GetString()));
        Assert.Contains("三十日内", answer, StringComparison.Ordinal);
        Assert.Contains("养犬管理条例", answer, StringComparison.Ordinal);
    }
}
