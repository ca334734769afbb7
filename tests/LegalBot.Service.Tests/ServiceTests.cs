using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

namespace LegalBot.Service.Tests;

/// <summary>End-to-end tests of the running service over HTTP (the demo guides, without the legal matters: mechanics).</summary>
public sealed class ServiceTests : IAsyncLifetime
{
    private readonly ServiceWorkspace _workspace = new(withMatters: false);
    private ServiceProcess _service = null!;

    private const string StaffKey = "service-tests-staff-key";

    public async Task InitializeAsync() => _service = await ServiceProcess.StartAsync(_workspace.Knowledge, _workspace.Data,
        new Dictionary<string, string>
        {
            ["Conversation__MessagesPerMinute"] = "10000",
            // The Emulator mode these tests post /api/messages in: loopback callers and loopback serviceUrls only.
            ["Bot__AllowAnonymous"] = "true",
            ["Staff__Keys__0__Office"] = "*",
            ["Staff__Keys__0__Worker"] = "测试管理员",
            ["Staff__Keys__0__KeyHash"] = LegalBot.Cases.Privacy.ApiKeys.Hash(StaffKey),
        });

    private async Task<JsonElement> StaffGetAsync(string path)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Add("X-Api-Key", StaffKey);
        using var response = await _service.Http.SendAsync(request);
        response.EnsureSuccessStatusCode();
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    public async Task DisposeAsync()
    {
        await _service.DisposeAsync();
        _workspace.Dispose();
    }

    private static object Message(string text, string deliveryMode = "expectReplies", string serviceUrl = "http://127.0.0.1:9/", string id = "act-1",
        string conversation = "conv-1") => new
    {
        type = "message", id, channelId = "emulator", serviceUrl, deliveryMode, text, locale = "zh-CN",
        from = new { id = "user-1", name = "张三" }, recipient = new { id = "bot" }, conversation = new { id = conversation },
    };

    private async Task<(HttpStatusCode Status, string Body)> PostRawAsync(string path, string body, string contentType = "application/json")
    {
        using var content = new StringContent(body, Encoding.UTF8, contentType);
        using var r = await _service.Http.PostAsync(path, content);
        return (r.StatusCode, await r.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Health_reports_the_indexed_knowledge()
    {
        var health = await _service.Http.GetFromJsonAsync<JsonElement>("healthz");
        Assert.Equal("ok", health.GetProperty("status").GetString());
        Assert.True(health.GetProperty("chunks").GetInt32() > 20);
    }

    [Fact]
    public async Task Expect_replies_returns_a_cited_answer_with_suggested_actions_in_the_body()
    {
        using var r = await _service.Http.PostAsJsonAsync("api/messages", Message("申请法律援助要带什么材料"));
        Assert.Equal(HttpStatusCode.OK, r.StatusCode);
        var reply = (await r.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("activities")[0];
        Assert.Equal("message", reply.GetProperty("type").GetString());
        Assert.Equal("act-1", reply.GetProperty("replyToId").GetString());
        Assert.Equal("bot", reply.GetProperty("from").GetProperty("role").GetString());
        Assert.Contains("出处", reply.GetProperty("text").GetString(), StringComparison.Ordinal);
        Assert.Contains("申请法律援助办事指南", reply.GetProperty("text").GetString(), StringComparison.Ordinal);
        Assert.NotEmpty(reply.GetProperty("suggestedActions").GetProperty("actions").EnumerateArray());
        Assert.Equal("application/vnd.microsoft.card.hero", reply.GetProperty("attachments")[0].GetProperty("contentType").GetString());
        Assert.Equal("legal-aid", reply.GetProperty("channelData").GetProperty("legalbot").GetProperty("route").GetString());
    }

    [Theory]
    [InlineData("{not json", "malformed JSON")]
    [InlineData("[]", "")]
    [InlineData("{\"type\":\"message\",\"text\":\"你好\"}", "conversation.id is required")]
    [InlineData("{\"text\":\"你好\",\"conversation\":{\"id\":\"c\"}}", "activity.type is required")]
    [InlineData("", "empty body")]
    public async Task Bad_activities_get_a_clear_400_never_a_500(string body, string reason)
    {
        var (status, text) = await PostRawAsync("api/messages", body);
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains(reason, text, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Unknown_activity_types_are_acknowledged_without_a_reply()
    {
        var (status, body) = await PostRawAsync("api/messages", "{\"type\":\"somethingNew\",\"conversation\":{\"id\":\"c\"},\"from\":{\"id\":\"u\"}}");
        Assert.Equal(HttpStatusCode.Accepted, status);
        Assert.Equal("", body);
    }

    [Fact]
    public async Task Over_long_texts_are_cut_with_a_polite_note()
    {
        using var r = await _service.Http.PostAsJsonAsync("api/messages", Message("老板拖欠工资怎么办" + new string('啊', 5000)));
        var text = (await r.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("activities")[0].GetProperty("text").GetString();
        Assert.Contains("您的消息太长了", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Normal_delivery_posts_replies_to_the_channel_service_url()
    {
        await using var connector = await FakeChannel.StartAsync();
        using var r = await _service.Http.PostAsJsonAsync("api/messages", Message("离婚要带什么材料", "normal", connector.Url));
        Assert.Equal(HttpStatusCode.OK, r.StatusCode);
        var (path, body) = Assert.Single(connector.Received);
        Assert.Equal("/v3/conversations/conv-1/activities/act-1", path);
        Assert.Equal("conv-1", body.GetProperty("conversation").GetProperty("id").GetString());
    }

    [Fact]
    public async Task A_reply_the_channel_cannot_take_now_is_delivered_when_it_is_back_and_in_order()
    {
        await using var connector = await FakeChannel.StartAsync(failFirst: 2);
        using var first = await _service.Http.PostAsJsonAsync("api/messages", Message("离婚要带什么材料", "normal", connector.Url, conversation: "conv-outage"));
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        // While the first waits in the outbox, the next reply queues behind it.
        using var second = await _service.Http.PostAsJsonAsync("api/messages", Message("申请法律援助的条件是什么", "normal", connector.Url, "act-2", "conv-outage"));
        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (connector.Received.Count < 2 && DateTime.UtcNow < deadline) await Task.Delay(200);
        Assert.Equal(["/v3/conversations/conv-outage/activities/act-1", "/v3/conversations/conv-outage/activities/act-2"], connector.Received.Select(r => r.Path));
        Assert.True(connector.Requests >= 4, _service.Output);
    }

    [Fact]
    public async Task Direct_line_echoes_the_user_activity_then_the_answer()
    {
        var dl = new DirectLineClient(_service.Http);
        await dl.StartAsync();
        var id = await dl.SendAsync("老板拖欠工资怎么办", "client-42");
        Assert.StartsWith(dl.ConversationId + "|", id, StringComparison.Ordinal);
        var activities = await dl.PollAsync();
        var echo = activities[0];
        Assert.Equal(id, echo.GetProperty("id").GetString());
        Assert.Equal("client-42", echo.GetProperty("channelData").GetProperty("clientActivityID").GetString());
        Assert.Equal("user", echo.GetProperty("from").GetProperty("role").GetString());
        var answer = activities[1];
        Assert.Equal(id, answer.GetProperty("replyToId").GetString());
        Assert.Contains("出处", answer.GetProperty("text").GetString(), StringComparison.Ordinal);
        Assert.Empty(await dl.PollAsync());
    }

    [Fact]
    public async Task The_everyday_legal_aid_question_and_its_follow_up_are_answered_from_the_demo_guides()
    {
        var dl = new DirectLineClient(_service.Http);
        await dl.StartAsync();
        var first = (await dl.AskAsync("没钱请律师怎么办"))[0];
        Assert.Contains("出处", first.GetProperty("text").GetString(), StringComparison.Ordinal);
        Assert.Equal("legal-aid", first.GetProperty("channelData").GetProperty("legalbot").GetProperty("route").GetString());
        var follow = (await dl.AskAsync("那要带什么材料？"))[0].GetProperty("text").GetString()!;
        Assert.Contains("申请法律援助办事指南", follow, StringComparison.Ordinal);
        Assert.Contains("需要带的材料", follow, StringComparison.Ordinal);
        // A full question with its own topic starts a new topic even when it is short.
        var divorce = (await dl.AskAsync("离婚要带什么材料"))[0].GetProperty("text").GetString()!;
        Assert.Contains("协议离婚登记", divorce, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Direct_line_tokens_are_scoped_to_one_conversation()
    {
        var alice = new DirectLineClient(_service.Http);
        var bob = new DirectLineClient(_service.Http);
        await alice.StartAsync();
        await bob.StartAsync();
        await alice.SendAsync("离婚要带什么材料", "a1");

        using var read = bob.Request(HttpMethod.Get, $"v3/directline/conversations/{alice.ConversationId}/activities");
        Assert.Equal(HttpStatusCode.Forbidden, (await _service.Http.SendAsync(read)).StatusCode);
        using var post = bob.Request(HttpMethod.Post, $"v3/directline/conversations/{alice.ConversationId}/activities", new { type = "message", text = "hi" });
        Assert.Equal(HttpStatusCode.Forbidden, (await _service.Http.SendAsync(post)).StatusCode);
        using var forged = alice.Request(HttpMethod.Get, $"v3/directline/conversations/{alice.ConversationId}/activities", token: alice.Token[..^2] + "xx");
        Assert.Equal(HttpStatusCode.Forbidden, (await _service.Http.SendAsync(forged)).StatusCode);
        using var none = new HttpRequestMessage(HttpMethod.Get, $"v3/directline/conversations/{alice.ConversationId}/activities");
        Assert.Equal(HttpStatusCode.Unauthorized, (await _service.Http.SendAsync(none)).StatusCode);
        using var refresh = alice.Request(HttpMethod.Post, "v3/directline/tokens/refresh");
        var refreshed = await (await _service.Http.SendAsync(refresh)).Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(alice.ConversationId, refreshed.GetProperty("conversationId").GetString());
    }

    [Fact]
    public async Task Direct_line_rejects_malformed_activities_with_400()
    {
        var dl = new DirectLineClient(_service.Http);
        await dl.StartAsync();
        using var req = dl.Request(HttpMethod.Post, $"v3/directline/conversations/{dl.ConversationId}/activities");
        req.Content = new StringContent("{oops", Encoding.UTF8, "application/json");
        Assert.Equal(HttpStatusCode.BadRequest, (await _service.Http.SendAsync(req)).StatusCode);
    }

    [Fact]
    public async Task A_saved_file_is_searchable_and_a_broken_one_reported_while_old_content_serves()
    {
        var dl = new DirectLineClient(_service.Http);
        await dl.StartAsync();
        File.WriteAllText(Path.Combine(_workspace.Knowledge, "guides", "dog-bite.md"),
            "---\ntitle: 被狗咬伤怎么办（演示）\nkind: guide\n---\n\n## 被狗咬伤的赔偿\n\n饲养的动物造成他人损害的，动物饲养人或者管理人应当承担侵权责任。\n");
        await WaitUntilAsync(async () => (await dl.AskAsync("被狗咬伤怎么赔偿")).Any(a => a.GetProperty("text").GetString()!.Contains("被狗咬伤怎么办", StringComparison.Ordinal)));

        File.WriteAllText(Path.Combine(_workspace.Knowledge, "guides", "dog-bite.md"), "---\ntitle: [坏的\n---\n正文\n");
        var staff = await WaitUntilAsync(async () =>
        {
            var status = await StaffGetAsync("api/staff/knowledge");
            return status.GetProperty("problems").EnumerateArray().Any(p => p.GetString()!.StartsWith("guides/dog-bite.md:", StringComparison.Ordinal) && p.GetString()!.Contains("bad YAML", StringComparison.Ordinal));
        });
        Assert.True(staff);
        Assert.Contains((await dl.AskAsync("被狗咬伤怎么赔偿")), a => a.GetProperty("text").GetString()!.Contains("被狗咬伤怎么办", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Staff_logs_show_unanswered_questions()
    {
        var dl = new DirectLineClient(_service.Http);
        await dl.StartAsync();
        await dl.AskAsync("今天星期几");
        var unanswered = await StaffGetAsync("api/staff/unanswered");
        Assert.Contains(unanswered.EnumerateArray(), u => u.GetProperty("question").GetString() == "今天星期几");
    }

    [Fact]
    public async Task The_web_chat_page_and_bundle_are_served_locally()
    {
        var page = await _service.Http.GetStringAsync("");
        Assert.Contains("lib/webchat.js", page, StringComparison.Ordinal);
        Assert.DoesNotContain("cdn.botframework.com", page, StringComparison.Ordinal);
        using var bundle = await _service.Http.GetAsync("lib/webchat.js");
        Assert.Equal(HttpStatusCode.OK, bundle.StatusCode);
        Assert.True(bundle.Content.Headers.ContentLength > 1_000_000);
    }

    private async Task<bool> WaitUntilAsync(Func<Task<bool>> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (DateTime.UtcNow < deadline)
        {
            if (await condition()) return true;
            await Task.Delay(500);
        }
        Assert.Fail("condition not met within 15 s; service log:\n" + _service.Output);
        return false;
    }
}
