using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;

namespace LegalBot.Service.Tests;

/// <summary>A minimal Direct Line client doing what botframework-directlinejs does (polling).</summary>
internal sealed class DirectLineClient(HttpClient http, string token = "", string conversationId = "", string watermark = "")
{
    public string Token { get; private set; } = token;
    public string ConversationId { get; private set; } = conversationId;
    private string _watermark = watermark;

    public string Watermark => _watermark;

    public async Task StartAsync()
    {
        var conv = await (await http.PostAsync("api/webchat/token", null)).Content.ReadFromJsonAsync<JsonElement>();
        Token = conv.GetProperty("token").GetString()!;
        ConversationId = conv.GetProperty("conversationId").GetString()!;
        using var open = Request(HttpMethod.Post, "v3/directline/conversations");
        using var r = await http.SendAsync(open);
        Assert.Equal(201, (int)r.StatusCode);
    }

    public HttpRequestMessage Request(HttpMethod method, string url, object? body = null, string? token = null)
    {
        var m = new HttpRequestMessage(method, url);
        m.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token ?? Token);
        if (body is not null) m.Content = JsonContent.Create(body);
        return m;
    }

    public async Task<string> SendAsync(string text, string clientActivityId)
    {
        using var req = Request(HttpMethod.Post, $"v3/directline/conversations/{ConversationId}/activities",
            new { type = "message", text, from = new { id = "ignored", role = "user" }, locale = "zh-CN", channelData = new { clientActivityID = clientActivityId } });
        using var r = await http.SendAsync(req);
        r.EnsureSuccessStatusCode();
        return (await r.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
    }

    /// <summary>New activities since the last poll.</summary>
    public async Task<List<JsonElement>> PollAsync()
    {
        using var req = Request(HttpMethod.Get, $"v3/directline/conversations/{ConversationId}/activities?watermark={_watermark}");
        using var r = await http.SendAsync(req);
        r.EnsureSuccessStatusCode();
        var set = await r.Content.ReadFromJsonAsync<JsonElement>();
        _watermark = set.GetProperty("watermark").GetString()!;
        return set.GetProperty("activities").EnumerateArray().Select(a => a.Clone()).ToList();
    }

    /// <summary>Sends a message and returns the bot's reply texts to it.</summary>
    public async Task<List<JsonElement>> AskAsync(string text)
    {
        var id = await SendAsync(text, Guid.NewGuid().ToString("N"));
        var activities = await PollAsync();
        return activities.Where(a => a.TryGetProperty("replyToId", out var r) && r.GetString() == id).ToList();
    }
}
