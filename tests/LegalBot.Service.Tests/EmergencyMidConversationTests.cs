using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using LegalBot.Channels.WeChat;

namespace LegalBot.Service.Tests;

/// <summary>One running service with all three text channels open (issue 14: safety first, on every message and channel).</summary>
public sealed class EmergencyServiceFixture : IAsyncLifetime
{
    internal const string Token = "legalbotToken1";
    private readonly ServiceWorkspace _workspace = new();

    internal ServiceProcess Service { get; private set; } = null!;

    public async Task InitializeAsync() => Service = await ServiceProcess.StartAsync(_workspace.Knowledge, _workspace.Data,
        new Dictionary<string, string>
        {
            ["Conversation__MessagesPerMinute"] = "10000",
            // /api/messages in the Emulator mode: loopback callers and loopback serviceUrls only.
            ["Bot__AllowAnonymous"] = "true",
            ["WeChat__Token"] = Token, ["WeChat__AppId"] = "wxlegalbottest", ["WeChat__AppSecret"] = "secret", ["WeChat__Mode"] = "plain",
        });

    public async Task DisposeAsync()
    {
        await Service.DisposeAsync();
        _workspace.Dispose();
    }
}

/// <summary>
/// An emergency in the second turn of a conversation busy with something else (a legal-aid application waiting for
/// an answer, a quiz waiting for an option) still gets the emergency reply first, with the number first, on web chat
/// (Direct Line), /api/messages and WeChat; the interrupted dialog or quiz can be taken up again afterwards.
/// </summary>
public sealed class EmergencyMidConversationTests(EmergencyServiceFixture fixture) : IClassFixture<EmergencyServiceFixture>
{
    private const string Emergency = "他拿着刀在砸我家门，说要弄死我";
    private const string NumberFirst = "请立即拨打 110";

    /// <summary>One conversation on one channel: each message's reply texts, in order.</summary>
    private interface IChat
    {
        Task<List<string>> SayAsync(string text);
    }

    private sealed class DirectLineChat(ServiceProcess service) : IChat
    {
        private DirectLineClient? _client;

        public async Task<List<string>> SayAsync(string text)
        {
            if (_client is null)
            {
                _client = new DirectLineClient(service.Http);
                await _client.StartAsync();
            }
            return (await _client.AskAsync(text)).Select(a => a.TryGetProperty("text", out var t) ? t.GetString() ?? "" : "").ToList();
        }
    }

    private sealed class BotFrameworkChat(ServiceProcess service) : IChat
    {
        private readonly string _conversation = "conv-" + Guid.NewGuid().ToString("N");
        private int _next;

        public async Task<List<string>> SayAsync(string text)
        {
            var activity = new
            {
                type = "message", id = "act-" + ++_next, channelId = "emulator", serviceUrl = "http://127.0.0.1:9/", deliveryMode = "expectReplies", text,
                locale = "zh-CN", from = new { id = "user-" + _conversation, name = "张三" }, recipient = new { id = "bot" }, conversation = new { id = _conversation },
            };
            using var r = await service.Http.PostAsJsonAsync("api/messages", activity);
            Assert.Equal(HttpStatusCode.OK, r.StatusCode);
            var body = await r.Content.ReadFromJsonAsync<JsonElement>();
            return body.GetProperty("activities").EnumerateArray().Select(a => a.TryGetProperty("text", out var t) ? t.GetString() ?? "" : "").ToList();
        }
    }

    private sealed class WeChatChat(ServiceProcess service) : IChat
    {
        private readonly string _user = "o" + Guid.NewGuid().ToString("N")[..12];
        private static long _msgId = 770_000;

        public async Task<List<string>> SayAsync(string text)
        {
            var nonce = Guid.NewGuid().ToString("N")[..10];
            var ts = DateTimeOffset.UtcNow.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
            var query = $"timestamp={ts}&nonce={nonce}&signature={WeChatSignature.Compute(EmergencyServiceFixture.Token, ts, nonce)}";
            var xml = $"<xml><ToUserName><![CDATA[gh_county]]></ToUserName><FromUserName><![CDATA[{_user}]]></FromUserName><CreateTime>{ts}</CreateTime>"
                + $"<MsgType><![CDATA[text]]></MsgType><Content><![CDATA[{text}]]></Content><MsgId>{Interlocked.Increment(ref _msgId)}</MsgId></xml>";
            using var r = await service.Http.PostAsync("api/wechat?" + query, new StringContent(xml, Encoding.UTF8, "text/xml"));
            var body = await r.Content.ReadAsStringAsync();
            Assert.True(r.StatusCode == HttpStatusCode.OK, body);
            // A passive reply is one text: the turn's replies in order.
            return [WeChatXml.Parse(body).Content!];
        }
    }

    private IChat Open(string channel) => channel switch
    {
        "directline" => new DirectLineChat(fixture.Service),
        "botframework" => new BotFrameworkChat(fixture.Service),
        "wechat" => new WeChatChat(fixture.Service),
        _ => throw new ArgumentOutOfRangeException(nameof(channel)),
    };

    [Theory]
    [InlineData("directline")]
    [InlineData("botframework")]
    [InlineData("wechat")]
    public async Task An_emergency_during_a_legal_aid_application_comes_first_and_the_application_waits(string channel)
    {
        var chat = Open(channel);
        await chat.SayAsync("我想申请法律援助,老板欠我工资");
        // The application is open and waiting for the applicant's town or village.
        var asked = string.Join("\n", await chat.SayAsync("是"));
        Assert.DoesNotContain("110", asked, StringComparison.Ordinal);

        var replies = await chat.SayAsync(Emergency);
        Assert.StartsWith(NumberFirst, replies[0], StringComparison.Ordinal);
        // Not taken as the town the form asked for; the application is offered back afterwards.
        Assert.Contains("您的申请还没有填完", string.Join("\n", replies), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("directline")]
    [InlineData("botframework")]
    [InlineData("wechat")]
    public async Task An_emergency_during_a_quiz_comes_first_and_the_quiz_can_go_on(string channel)
    {
        var chat = Open(channel);
        var question = string.Join("\n", await chat.SayAsync("学法答题"));
        Assert.Contains("第 1/5 题：", question, StringComparison.Ordinal);

        var replies = await chat.SayAsync(Emergency);
        Assert.StartsWith(NumberFirst, replies[0], StringComparison.Ordinal);
        // The emergency was not taken as an answer: the same first question comes back.
        Assert.Contains("第 1/5 题：", string.Join("\n", await chat.SayAsync("继续答题")), StringComparison.Ordinal);
    }
}
