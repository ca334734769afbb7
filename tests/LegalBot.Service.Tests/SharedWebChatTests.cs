using System.Net.Http.Json;
using System.Text.Json;

namespace LegalBot.Service.Tests;

/// <summary>Two instances on one PostgreSQL: a web chat started on one goes on through the other, in both directions.</summary>
[Trait("Category", "Postgres")]
public sealed class SharedWebChatTests
{
    [Fact]
    public async Task A_web_chat_alternates_between_two_instances_sharing_the_database()
    {
        var admin = Environment.GetEnvironmentVariable("LEGALBOT_TEST_POSTGRES")
            ?? throw new InvalidOperationException("LEGALBOT_TEST_POSTGRES is not set (tests/run.sh starts a throwaway PostgreSQL)");
        var database = "webchat_" + Guid.NewGuid().ToString("N")[..8];
        await using (var c = new Npgsql.NpgsqlConnection(admin))
        {
            await c.OpenAsync();
            await using var create = new Npgsql.NpgsqlCommand($"CREATE DATABASE {database}", c);
            await create.ExecuteNonQueryAsync();
        }
        var shared = new Dictionary<string, string>
        {
            ["Cases__Database"] = "postgresql",
            ["Cases__ConnectionString"] = new Npgsql.NpgsqlConnectionStringBuilder(admin) { Database = database }.ConnectionString,
            ["Cases__EncryptionKey"] = Convert.ToBase64String(Enumerable.Range(0, 32).Select(i => (byte)i).ToArray()),
            ["Data__Shared"] = "true",
            ["WebChat__TokenKey"] = Convert.ToBase64String(Enumerable.Range(0, 32).Select(i => (byte)(255 - i)).ToArray()),
        };
        using var first = new ServiceWorkspace(withMatters: false);
        using var second = new ServiceWorkspace(withMatters: false);
        await using var a = await ServiceProcess.StartAsync(first.Knowledge, first.Data, shared);
        await using var b = await ServiceProcess.StartAsync(second.Knowledge, second.Data, shared);

        var onA = new DirectLineClient(a.Http);
        await onA.StartAsync();
        var answer = await onA.AskAsync("申请法律援助的条件是什么");
        Assert.Contains("法律援助", answer[0].GetProperty("text").GetString()!, StringComparison.Ordinal);

        // The same token and watermark on the other instance: nothing repeated, and the next message is answered there.
        var onB = new DirectLineClient(b.Http, onA.Token, onA.ConversationId, onA.Watermark);
        Assert.Empty(await onB.PollAsync());
        var there = await onB.AskAsync("离婚要带什么材料");
        Assert.NotEmpty(there);
        Assert.True(string.CompareOrdinal(there[0].GetProperty("id").GetString(), answer[^1].GetProperty("id").GetString()) > 0);

        // And back: the first instance sees what the second stored.
        var back = await onA.PollAsync();
        Assert.Contains(back, x => x.GetProperty("id").GetString() == there[0].GetProperty("id").GetString());
        var health = await (await a.Http.GetAsync("healthz")).Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(1, health.GetProperty("webChatConversations").GetInt32());
    }
}
