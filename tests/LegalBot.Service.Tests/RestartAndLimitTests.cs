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

