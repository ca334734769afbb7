using System.Diagnostics;
using System.Globalization;
using LegalBot.Channels.WeChat;
using LegalBot.Conversation;
using Microsoft.Extensions.Logging.Abstractions;
using Moq;

namespace LegalBot.Channels.Tests;

/// <summary>A clock that starts at a given moment (the vectors' 2014 timestamps) and then runs in real time.</summary>
internal sealed class ShiftedTime(DateTimeOffset start) : TimeProvider
{
    private readonly long _t0 = Stopwatch.GetTimestamp();
    public override DateTimeOffset GetUtcNow() => start + Stopwatch.GetElapsedTime(_t0);
}

/// <summary>
/// The callback protocol against a Moq engine and a fake WeChat API over real HTTP: passive replies within
/// the deadline, slow answers through the customer-service API, retries answered once, rejections.
/// </summary>
public sealed class WeChatProcessorTests : IAsyncLifetime
{
    private const string Token = "tok123";
    private const string OpenId = "oUser1";
    private FakeWeChatApi _api = null!;
    private readonly Mock<IConversationHandler> _engine = new();
    private readonly Mock<IMessageRateGate> _gate = new();
    private readonly List<InboundMessage> _received = [];
    private TimeSpan _engineDelay;
    private int _running;
    private int _maxRunningPerUser;

    public async Task InitializeAsync()
    {
        _api = await FakeWeChatApi.StartAsync();
        _gate.Setup(g => g.TryEnter(It.IsAny<string>())).Returns(true);
        _engine.Setup(e => e.HandleAsync(It.IsAny<InboundMessage>(), It.IsAny<CancellationToken>()))
            .Returns(async (InboundMessage m, CancellationToken ct) =>
            {
                var running = Interlocked.Increment(ref _running);
                InterlockedMax(ref _maxRunningPerUser, running);
                lock (_received) _received.Add(m);
                try
                {
                    await Task.Delay(_engineDelay, ct);
                    return (IReadOnlyList<OutboundReply>)[WeChatRendererTests.Answer("答复：" + m.Text)];
                }
                finally
                {
                    Interlocked.Decrement(ref _running);
                }
            });
    }

    public async Task DisposeAsync() => await _api.DisposeAsync();

    private static void InterlockedMax(ref int target, int value)
    {
        int current;
        while ((current = Volatile.Read(ref target)) < value && Interlocked.CompareExchange(ref target, value, current) != current) { }
    }

    private WeChatCallbackProcessor Processor(TimeSpan deadline, WeChatCipher? cipher = null, TimeProvider? time = null, string token = Token,
        bool urlEncrypted = false, string channel = "wechat", IReadOnlyDictionary<string, NewsArticle>? articles = null)
    {
        var clock = time ?? TimeProvider.System;
        var sender = new OfficialAccountApiClient(new HttpClient { BaseAddress = new Uri(_api.BaseUrl) }, "wxapp", "secret", clock);
        var settings = new WeChatCallbackSettings(channel, token, cipher, urlEncrypted, deadline, TimeSpan.FromMinutes(5),
            WeChatTexts.DefaultMenuKeys, articles ?? new Dictionary<string, NewsArticle>());
        return new WeChatCallbackProcessor(settings, _engine.Object, sender, _gate.Object, clock, NullLogger.Instance);
    }

    // A fresh nonce per callback, as WeChat sends: the same (timestamp, nonce) with another body is a replay.
    private static WeChatQuery Signed(long? timestamp = null, string? nonce = null)
    {
        nonce ??= Guid.NewGuid().ToString("N")[..10];
        var ts = (timestamp ?? DateTimeOffset.UtcNow.ToUnixTimeSeconds()).ToString(CultureInfo.InvariantCulture);
        return new WeChatQuery(WeChatSignature.Compute(Token, ts, nonce), null, ts, nonce, null);
    }

    private static string TextXml(string content, string msgId, string from = OpenId) =>
        $"<xml><ToUserName><![CDATA[gh_account]]></ToUserName><FromUserName><![CDATA[{from}]]></FromUserName><CreateTime>{DateTimeOffset.UtcNow.ToUnixTimeSeconds()}</CreateTime><MsgType><![CDATA[text]]></MsgType><Content><![CDATA[{content}]]></Content><MsgId>{msgId}</MsgId></xml>";

    private static string EventXml(string evt, string? key = null, long createTime = 1700000000) =>
        $"<xml><ToUserName><![CDATA[gh_account]]></ToUserName><FromUserName><![CDATA[{OpenId}]]></FromUserName><CreateTime>{createTime}</CreateTime><MsgType><![CDATA[event]]></MsgType><Event><![CDATA[{evt}]]></Event>{(key is null ? "" : $"<EventKey><![CDATA[{key}]]></EventKey>")}</xml>";

    private static WeChatInbound Reply(WeChatResponse response)
    {
        Assert.Equal(200, response.StatusCode);
        Assert.StartsWith("application/xml", response.ContentType, StringComparison.Ordinal);
        return WeChatXml.Parse(response.Body);
    }

    [Fact]
    public async Task A_fast_answer_is_the_passive_reply_and_nothing_goes_through_the_api()
    {
        await using var processor = Processor(TimeSpan.FromSeconds(4));
        var reply = Reply(await processor.HandleAsync(Signed(), TextXml("老板拖欠工资怎么办", "1001"), CancellationToken.None));
        Assert.Equal((OpenId, "gh_account", "text"), (reply.ToUserName, reply.FromUserName, reply.MsgType));
        Assert.Contains("答复：老板拖欠工资怎么办", reply.Content, StringComparison.Ordinal);
        Assert.Contains("回复 1：申请法律援助要带什么材料？", reply.Content, StringComparison.Ordinal);
        var m = Assert.Single(_received);
        Assert.Equal(("wechat:" + OpenId, "wechat:" + OpenId, "wechat", "老板拖欠工资怎么办"), (m.ConversationId, m.UserId, m.Channel, m.Text));
        Assert.Empty(_api.Sent);
        Assert.Equal(0, _api.TokenCalls);
    }

    [Fact]
    public async Task A_slow_answer_gets_success_within_the_deadline_and_arrives_through_the_customer_service_api()
    {
        _engineDelay = TimeSpan.FromSeconds(1.5);
        await using var processor = Processor(TimeSpan.FromMilliseconds(300));
        var clock = Stopwatch.StartNew();
        var response = await processor.HandleAsync(Signed(), TextXml("离婚要带什么材料", "2001"), CancellationToken.None);
        var elapsed = clock.Elapsed;
        Assert.Equal(WeChatResponse.Success, response);
        Assert.True(elapsed < TimeSpan.FromMilliseconds(800), $"passive response took {elapsed.TotalMilliseconds} ms");

        var sent = Assert.Single(await _api.WaitForSentAsync(1, TimeSpan.FromSeconds(10)));
        Assert.Equal(("custom", OpenId), (sent.Api, sent.ToUser));
        Assert.Contains("答复：离婚要带什么材料", sent.Content, StringComparison.Ordinal);
        Assert.Contains("《中华人民共和国法律援助法》第三十一条", sent.Content, StringComparison.Ordinal);
        Assert.Equal(1, _api.TokenCalls);
    }

    [Fact]
    public async Task Retries_of_a_slow_message_are_answered_exactly_once()
    {
        _engineDelay = TimeSpan.FromSeconds(1.2);
        await using var processor = Processor(TimeSpan.FromMilliseconds(500));
        var body = TextXml("我要申请法律援助", "3001");
        // WeChat's schedule compressed: the first delivery, a retry while the answer is pending, and retries after it is done.
        var first = processor.HandleAsync(Signed(nonce: "a"), body, CancellationToken.None);
        await Task.Delay(700);
        var duringWork = processor.HandleAsync(Signed(nonce: "b"), body, CancellationToken.None);
        await Task.Delay(1500);
        var after = await Task.WhenAll(processor.HandleAsync(Signed(nonce: "c"), body, CancellationToken.None),
            processor.HandleAsync(Signed(nonce: "d"), body, CancellationToken.None));
        var responses = new[] { await first, await duringWork }.Concat(after).ToList();
        await Task.Delay(500);

        Assert.Single(_received);
        var passive = responses.Count(r => r.ContentType.StartsWith("application/xml", StringComparison.Ordinal));
        Assert.Equal(1, passive + _api.Sent.Count);
    }

    [Fact]
    public async Task Concurrent_duplicate_deliveries_of_a_fast_message_get_one_reply()
    {
        await using var processor = Processor(TimeSpan.FromSeconds(4));
        var body = TextXml("法律援助", "4001");
        var responses = await Task.WhenAll(Enumerable.Range(0, 4).Select(i => processor.HandleAsync(Signed(nonce: "n" + i), body, CancellationToken.None)));
        Assert.Single(_received);
        Assert.Single(responses, r => r.ContentType.StartsWith("application/xml", StringComparison.Ordinal));
        Assert.Equal(3, responses.Count(r => r == WeChatResponse.Success));
        Assert.Empty(_api.Sent);
    }

    [Fact]
    public async Task One_token_serves_concurrent_sends_and_an_expired_token_is_refreshed_once()
    {
        _engineDelay = TimeSpan.FromMilliseconds(400);
        await using var processor = Processor(TimeSpan.Zero);
        await Task.WhenAll(Enumerable.Range(0, 20).Select(i =>
            processor.HandleAsync(Signed(nonce: "n" + i), TextXml("问题" + i, "50" + i, from: "user" + i), CancellationToken.None)));
        Assert.Equal(20, (await _api.WaitForSentAsync(20, TimeSpan.FromSeconds(10))).Count);
        Assert.Equal(1, _api.TokenCalls);

        // The platform expires the token: every send that hits 42001 triggers one shared refresh, then succeeds.
        _api.ExpireCurrentToken();
        await Task.WhenAll(Enumerable.Range(0, 10).Select(i =>
            processor.HandleAsync(Signed(nonce: "m" + i), TextXml("再问" + i, "60" + i, from: "user" + i), CancellationToken.None)));
        var sent = await _api.WaitForSentAsync(30, TimeSpan.FromSeconds(10));
        Assert.Equal(30, sent.Count);
        Assert.Equal(2, _api.TokenCalls);
        Assert.All(sent.Skip(20), s => Assert.Equal("TOKEN2", s.AccessToken));
        Assert.Equal(30, sent.Select(s => s.Content).Distinct().Count());
    }

    [Fact]
    public async Task One_citizens_messages_reach_the_engine_one_at_a_time()
    {
        _engineDelay = TimeSpan.FromMilliseconds(200);
        await using var processor = Processor(TimeSpan.FromSeconds(4));
        await Task.WhenAll(Enumerable.Range(0, 5).Select(i => processor.HandleAsync(Signed(nonce: "n" + i), TextXml("第" + i + "条消息", "70" + i), CancellationToken.None)));
        Assert.Equal(5, _received.Count);
        Assert.Equal(1, _maxRunningPerUser);
    }

    [Fact]
    public async Task Forged_signatures_replayed_timestamps_and_xxe_are_rejected_without_reaching_the_engine()
    {
        await using var processor = Processor(TimeSpan.FromSeconds(4));
        var body = TextXml("你好", "8001");
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var ts = now.ToString(CultureInfo.InvariantCulture);

        // One hex digit changed (to a different one: a fixed "0" would match a signature that starts with 0).
        var valid = WeChatSignature.Compute(Token, ts, "n");
        var forged = (valid[0] == '0' ? '1' : '0') + valid[1..];
        Assert.Equal(403, (await processor.HandleAsync(new WeChatQuery(forged, null, ts, "n", null), body, CancellationToken.None)).StatusCode);
        Assert.Equal(403, (await processor.HandleAsync(new WeChatQuery(WeChatSignature.Compute("other-token", ts, "n"), null, ts, "n", null), body, CancellationToken.None)).StatusCode);
        Assert.Equal(403, (await processor.HandleAsync(new WeChatQuery(null, null, ts, "n", null), body, CancellationToken.None)).StatusCode);
        // A correctly signed request captured 10 minutes ago is a replay.
        Assert.Equal(403, (await processor.HandleAsync(Signed(now - 600), body, CancellationToken.None)).StatusCode);
        Assert.Equal(403, (await processor.HandleAsync(Signed(now + 600), body, CancellationToken.None)).StatusCode);
        Assert.Equal(403, (await processor.HandleAsync(new WeChatQuery("x", null, "not-a-number", "n", null), body, CancellationToken.None)).StatusCode);

        var xxe = "<?xml version=\"1.0\"?><!DOCTYPE xml [<!ENTITY xxe SYSTEM \"file:///etc/passwd\">]><xml><ToUserName>a</ToUserName><FromUserName>b</FromUserName><MsgType>text</MsgType><Content>&xxe;</Content></xml>";
        var rejected = await processor.HandleAsync(Signed(), xxe, CancellationToken.None);
        Assert.Equal(400, rejected.StatusCode);
        Assert.DoesNotContain("root:", rejected.Body, StringComparison.Ordinal);
        Assert.Equal(400, (await processor.HandleAsync(Signed(), "<xml><Content>", CancellationToken.None)).StatusCode);
        Assert.Equal(400, (await processor.HandleAsync(Signed(), "<xml><ToUserName>a</ToUserName></xml>", CancellationToken.None)).StatusCode);
        Assert.Empty(_received);
    }

    [Fact]
    public void Url_verification_echoes_only_for_a_valid_signature()
    {
        var processor = Processor(TimeSpan.FromSeconds(4));
        var q = Signed() with { EchoStr = "7342975429" };
        Assert.Equal("7342975429", processor.VerifyUrl(q).Body);
        Assert.Equal(403, processor.VerifyUrl(q with { Signature = new string('0', 40) }).StatusCode);
        Assert.Equal(400, processor.VerifyUrl(q with { EchoStr = null }).StatusCode);
    }

    [Fact]
    public async Task Safe_mode_opens_the_official_sample_and_encrypts_the_reply()
    {
        var cipher = new WeChatCipher("abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG", "wx2c2769f8efd9abc2");
        await using var processor = Processor(TimeSpan.FromSeconds(4), cipher, new ShiftedTime(DateTimeOffset.FromUnixTimeSeconds(1409735669)), token: "spamtest");
        const string body = "<xml><ToUserName><![CDATA[gh_10f6c3c3ac5a]]></ToUserName><FromUserName><![CDATA[oyORnuP8q7ou2gfYjqLzSIWZf0rs]]></FromUserName><CreateTime>1409735668</CreateTime><MsgType><![CDATA[text]]></MsgType><Content><![CDATA[abcdteT]]></Content><MsgId>6054768590064713728</MsgId><Encrypt><![CDATA[hyzAe4OzmOMbd6TvGdIOO6uBmdJoD0Fk53REIHvxYtJlE2B655HuD0m8KUePWB3+LrPXo87wzQ1QLvbeUgmBM4x6F8PGHQHFVAFmOD2LdJF9FrXpbUAh0B5GIItb52sn896wVsMSHGuPE328HnRGBcrS7C41IzDWyWNlZkyyXwon8T332jisa+h6tEDYsVticbSnyU8dKOIbgU6ux5VTjg3yt+WGzjlpKn6NPhRjpA912xMezR4kw6KWwMrCVKSVCZciVGCgavjIQ6X8tCOp3yZbGpy0VxpAe+77TszTfRd5RJSVO/HTnifJpXgCSUdUue1v6h0EIBYYI1BD1DlD+C0CR8e6OewpusjZ4uBl9FyJvnhvQl+q5rv1ixrcpCumEPo5MJSgM9ehVsNPfUM669WuMyVWQLCzpu9GhglF2PE=]]></Encrypt></xml>";
        var query = new WeChatQuery(null, "5d197aaffba7e9b25a30732f161a50dee96bd5fa", "1409735669", "1320562132", null);
        var envelope = Reply(await processor.HandleAsync(query, body, CancellationToken.None));

        Assert.True(WeChatSignature.Verify(envelope["MsgSignature"], "spamtest", envelope["TimeStamp"]!, envelope["Nonce"]!, envelope.Encrypt!));
        Assert.Equal("1320562132", envelope["Nonce"]);
        var reply = WeChatXml.Parse(cipher.Decrypt(envelope.Encrypt!));
        Assert.Equal(("oyORnuP8q7ou2gfYjqLzSIWZf0rs", "gh_10f6c3c3ac5a"), (reply.ToUserName, reply.FromUserName));
        Assert.Contains("答复：abcdteT", reply.Content, StringComparison.Ordinal);

        // A tampered signature, or a plaintext-only body, is refused in safe mode.
        Assert.Equal(403, (await processor.HandleAsync(query with { MsgSignature = "5d197aaffba7e9b25a30732f161a50dee96bd5fb" }, body, CancellationToken.None)).StatusCode);
        Assert.Equal(400, (await processor.HandleAsync(query, TextXml("hi", "9"), CancellationToken.None)).StatusCode);
        Assert.Single(_received);
    }

    [Fact]
    public async Task WeCom_verifies_the_url_with_the_encrypted_echostr_and_answers_the_official_sample()
    {
        var cipher = new WeChatCipher("jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C", "wx5823bf96d3bd56c7");
        await using var processor = Processor(TimeSpan.FromSeconds(4), cipher, new ShiftedTime(DateTimeOffset.FromUnixTimeSeconds(1409659813)),
            token: "QDG6eK", urlEncrypted: true, channel: "wecom");
        var echo = processor.VerifyUrl(new WeChatQuery(null, "5c45ff5e21c57e6ad56bac8758b79b1d9ac89fd3", "1409659589", "263014780",
            "P9nAzCzyDtyTWESHep1vC5X9xho/qYX3Zpb4yKa9SKld1DsH3Iyt3tP3zNdtp+4RPcs8TgAE7OaBO+FZXvnaqQ=="));
        Assert.Equal((200, "1616140317555161061"), (echo.StatusCode, echo.Body));

        const string body = "<xml><ToUserName><![CDATA[wx5823bf96d3bd56c7]]></ToUserName><Encrypt><![CDATA[RypEvHKD8QQKFhvQ6QleEB4J58tiPdvo+rtK1I9qca6aM/wvqnLSV5zEPeusUiX5L5X/0lWfrf0QADHHhGd3QczcdCUpj911L3vg3W/sYYvuJTs3TUUkSUXxaccAS0qhxchrRYt66wiSpGLYL42aM6A8dTT+6k4aSknmPj48kzJs8qLjvd4Xgpue06DOdnLxAUHzM6+kDZ+HMZfJYuR+LtwGc2hgf5gsijff0ekUNXZiqATP7PF5mZxZ3Izoun1s4zG4LUMnvw2r+KqCKIw+3IQH03v+BCA9nMELNqbSf6tiWSrXJB3LAVGUcallcrw8V2t9EL4EhzJWrQUax5wLVMNS0+rUPA3k22Ncx4XXZS9o0MBH27Bo6BpNelZpS+/uh9KsNlY6bHCmJU9p8g7m3fVKn28H3KDYA5Pl/T8Z1ptDAVe0lXdQ2YoyyH2uyPIGHBZZIs2pDBS8R07+qN+E7Q==]]></Encrypt><AgentID><![CDATA[218]]></AgentID></xml>";
        var envelope = Reply(await processor.HandleAsync(new WeChatQuery(null, "477715d11cdb4164915debcba66cb864d751f3e6", "1409659813", "1372623149", null), body, CancellationToken.None));
        var reply = WeChatXml.Parse(cipher.Decrypt(envelope.Encrypt!));
        Assert.Equal("mycreate", reply.ToUserName);
        var m = Assert.Single(_received);
        Assert.Equal(("wecom:mycreate", "hello"), (m.ConversationId, m.Text));
    }

    [Fact]
    public async Task Voice_images_events_and_menu_clicks_each_get_the_right_reply()
    {
        var articles = new Dictionary<string, NewsArticle> { ["GUIDE"] = new("办事指南", "法律援助怎么申请", "https://example.gov.cn/guide") };
        await using var processor = Processor(TimeSpan.FromSeconds(4), articles: articles);
        var voice = $"<xml><ToUserName>gh_account</ToUserName><FromUserName>{OpenId}</FromUserName><CreateTime>1</CreateTime><MsgType>voice</MsgType><MediaId>m</MediaId><Format>amr</Format><Recognition><![CDATA[怎么申请法律援助]]></Recognition><MsgId>9101</MsgId></xml>";
        Assert.Contains("答复：怎么申请法律援助", Reply(await processor.HandleAsync(Signed(), voice, CancellationToken.None)).Content, StringComparison.Ordinal);

        var unrecognised = voice.Replace("<Recognition><![CDATA[怎么申请法律援助]]></Recognition>", "", StringComparison.Ordinal).Replace("9101", "9102", StringComparison.Ordinal);
        Assert.Equal(WeChatTexts.VoiceNotRecognised, Reply(await processor.HandleAsync(Signed(), unrecognised, CancellationToken.None)).Content);
        var image = $"<xml><ToUserName>gh_account</ToUserName><FromUserName>{OpenId}</FromUserName><CreateTime>1</CreateTime><MsgType>image</MsgType><PicUrl>http://x/p.jpg</PicUrl><MsgId>9103</MsgId></xml>";
        Assert.Equal(WeChatTexts.UnsupportedMessage, Reply(await processor.HandleAsync(Signed(), image, CancellationToken.None)).Content);
        Assert.Single(_received);

        var welcome = Reply(await processor.HandleAsync(Signed(), EventXml("subscribe", createTime: 1), CancellationToken.None)).Content!;
        Assert.StartsWith(WeChatTexts.Subscribed, welcome, StringComparison.Ordinal);
        Assert.Equal("你好", _received[^1].Text);
        Assert.Equal(WeChatResponse.Success, await processor.HandleAsync(Signed(), EventXml("unsubscribe", createTime: 2), CancellationToken.None));
        Assert.Equal(WeChatResponse.Success, await processor.HandleAsync(Signed(), EventXml("VIEW", "https://example.gov.cn", createTime: 3), CancellationToken.None));

        Reply(await processor.HandleAsync(Signed(), EventXml("CLICK", "LEGAL_AID", createTime: 4), CancellationToken.None));
        Assert.Equal("我要申请法律援助", _received[^1].Text);
        var news = Reply(await processor.HandleAsync(Signed(), EventXml("CLICK", "GUIDE", createTime: 5), CancellationToken.None));
        Assert.Equal("news", news.MsgType);
        Assert.Contains("https://example.gov.cn/guide", news.Fields["Articles"], StringComparison.Ordinal);
        Assert.Equal(WeChatTexts.UnknownMenu, Reply(await processor.HandleAsync(Signed(), EventXml("CLICK", "NOPE", createTime: 6), CancellationToken.None)).Content);
        Assert.Equal(3, _received.Count);
    }

    [Fact]
    public async Task An_engine_failure_gets_an_apology_not_an_error()
    {
        _engine.Setup(e => e.HandleAsync(It.IsAny<InboundMessage>(), It.IsAny<CancellationToken>())).ThrowsAsync(new InvalidOperationException("database is locked"));
        await using var processor = Processor(TimeSpan.FromSeconds(4));
        Assert.Equal(WeChatTexts.Failed, Reply(await processor.HandleAsync(Signed(), TextXml("你好", "9901"), CancellationToken.None)).Content);
    }

    [Fact]
    public async Task A_rate_limited_citizen_is_told_to_wait_without_reaching_the_engine()
    {
        _gate.Setup(g => g.TryEnter(It.IsAny<string>())).Returns(false);
        await using var processor = Processor(TimeSpan.FromSeconds(4));
        Assert.Equal(ConversationTexts.RateLimited, Reply(await processor.HandleAsync(Signed(), TextXml("你好", "9902"), CancellationToken.None)).Content);
        Assert.Empty(_received);
    }
}
