using System.Net.Http.Json;
using System.Text.Json;

namespace LegalBot.Service.Tests;

public sealed class RestartAndLimitTests
{
    [Fact]
    public async Task A_killed_service_resumes_the_conversation_topic_after_restart()
    {
        using var workspace = new ServiceWorkspace(withMatters: false);
        var service = await ServiceProcess.StartAsync(workspace.Knowledge, workspace.Data);
        var dl = new DirectLineClient(service.Http);
        await dl.StartAsync();
        var first = await dl.AskAsync("申请法律援助的条件是什么");
        Assert.Contains("申请法律援助办事指南", first[0].GetProperty("text").GetString(), StringComparison.Ordinal);
        service.Kill();
        await service.DisposeAsync();

        // Same data folder, new process: the token still verifies and the topic is remembered.
        await using var restarted = await ServiceProcess.StartAsync(workspace.Knowledge, workspace.Data);
        var resumed = new DirectLineClient(restarted.Http, dl.Token, dl.ConversationId);
        var follow = await resumed.AskAsync("那要带什么材料？");
        var text = follow[0].GetProperty("text").GetString()!;
        Assert.Contains("需要带的材料", text, StringComparison.Ordinal);
        Assert.Contains("申请法律援助办事指南", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_web_chat_continues_after_a_sigkill_with_the_same_token_and_watermark()
    {
        using var workspace = new ServiceWorkspace(withMatters: false);
        var service = await ServiceProcess.StartAsync(workspace.Knowledge, workspace.Data);
        var dl = new DirectLineClient(service.Http);
        await dl.StartAsync();
        var before = await dl.AskAsync("申请法律援助的条件是什么");
        var lastId = before[^1].GetProperty("id").GetString()!;
        var watermark = dl.Watermark;
        service.Kill();
        await service.DisposeAsync();

        await using var restarted = await ServiceProcess.StartAsync(workspace.Knowledge, workspace.Data);
        var same = new DirectLineClient(restarted.Http, dl.Token, dl.ConversationId, watermark);
        // Nothing is repeated after the watermark, and the stream was not lost: from the start it still holds the first answer.
        Assert.Empty(await same.PollAsync());
        var history = await new DirectLineClient(restarted.Http, dl.Token, dl.ConversationId).PollAsync();
        Assert.Contains(history, a => a.GetProperty("id").GetString() == lastId);
        // Ids and the watermark keep increasing.
        var after = await same.AskAsync("那要带什么材料？");
        Assert.True(string.CompareOrdinal(after[0].GetProperty("id").GetString(), lastId) > 0);
        Assert.True(long.Parse(same.Watermark, System.Globalization.CultureInfo.InvariantCulture) > long.Parse(watermark, System.Globalization.CultureInfo.InvariantCulture));
        Assert.Contains("需要带的材料", after[0].GetProperty("text").GetString()!, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_reply_queued_for_a_channel_that_was_down_survives_a_sigkill()
    {
        using var workspace = new ServiceWorkspace(withMatters: false);
        var anonymous = new Dictionary<string, string> { ["Bot__AllowAnonymous"] = "true" };
        var service = await ServiceProcess.StartAsync(workspace.Knowledge, workspace.Data, anonymous);
        var port = ServiceProcess.FreePort();
        using var posted = await service.Http.PostAsJsonAsync("api/messages", new
        {
            type = "message", id = "act-9", channelId = "emulator", serviceUrl = $"http://127.0.0.1:{port}/", text = "离婚要带什么材料",
            from = new { id = "user-9" }, recipient = new { id = "bot" }, conversation = new { id = "conv-9" },
        });
        Assert.Equal(System.Net.HttpStatusCode.OK, posted.StatusCode);
        service.Kill();
        await service.DisposeAsync();

        await using var channel = await FakeChannel.StartAsync(port: port);
        await using var restarted = await ServiceProcess.StartAsync(workspace.Knowledge, workspace.Data, anonymous);
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (channel.Received.IsEmpty && DateTime.UtcNow < deadline) await Task.Delay(200);
        var (path, body) = Assert.Single(channel.Received);
        Assert.Equal("/v3/conversations/conv-9/activities/act-9", path);
        Assert.Contains("材料", body.GetProperty("text").GetString()!, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Too_many_messages_get_a_polite_slow_down_reply()
    {
        using var workspace = new ServiceWorkspace();
        await using var service = await ServiceProcess.StartAsync(workspace.Knowledge, workspace.Data,
            new Dictionary<string, string> { ["Conversation__MessagesPerMinute"] = "2" });
        var dl = new DirectLineClient(service.Http);
        await dl.StartAsync();
        var texts = new List<string>();
        for (var i = 0; i < 12; i++) texts.Add((await dl.AskAsync("离婚要带什么材料"))[0].GetProperty("text").GetString()!);
        Assert.Contains(texts, t => t.Contains("您发送得太快了", StringComparison.Ordinal));
        Assert.Contains("出处", texts[0], StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Conversation__DirectLineTokenMinutes", "15", "Conversation:DirectLineTokenMinutes must be between 20 and 1440")]
    [InlineData("WebChat__AllowedOrigins__0", "https://www.example.gov.cn/chat", "WebChat:AllowedOrigins must be origins")]
    [InlineData("Data__Shared", "true", "Data:Shared=true needs Cases:Database=postgresql and WebChat:TokenKey")]
    public async Task A_setting_that_would_break_web_chat_stops_the_start(string name, string value, string message)
    {
        using var workspace = new ServiceWorkspace(withMatters: false);
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() =>
            ServiceProcess.StartAsync(workspace.Knowledge, workspace.Data, new Dictionary<string, string> { [name] = value }));
        Assert.Contains(message, error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Invalid_configuration_fails_fast_with_a_clear_message()
    {
        using var workspace = new ServiceWorkspace();
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() =>
            ServiceProcess.StartAsync(Path.Combine(workspace.Root, "missing"), workspace.Data));
        Assert.Contains("Knowledge:Path", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", error.Message, StringComparison.Ordinal);
    }
}

