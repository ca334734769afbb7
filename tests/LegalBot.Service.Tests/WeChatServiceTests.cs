using System.Globalization;
using System.Net;
using System.Text;
using LegalBot.Cases;
using LegalBot.Channels.Tests;
using LegalBot.Channels.WeChat;

namespace LegalBot.Service.Tests;

/// <summary>The Official Account and WeCom callbacks on the real service, with a fake WeChat API over real HTTP.</summary>
public sealed class WeChatServiceTests
{
    private const string Token = "legalbotToken1";
    private const string AesKey = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG";

    private static Dictionary<string, string> Environment(FakeWeChatApi api, string mode, double deadlineSeconds) => new()
    {
        ["WeChat__Token"] = Token,
        ["WeChat__AppId"] = "wxlegalbottest",
        ["WeChat__AppSecret"] = "secret",
        ["WeChat__Mode"] = mode,
        ["WeChat__EncodingAESKey"] = AesKey,
        ["WeChat__ApiBaseUrl"] = api.BaseUrl,
        ["WeChat__ReplyDeadlineSeconds"] = deadlineSeconds.ToString(CultureInfo.InvariantCulture),
        ["WeCom__Token"] = Token,
        ["WeCom__CorpId"] = "wwcorptest",
        ["WeCom__EncodingAESKey"] = AesKey,
        ["WeCom__AgentId"] = "1000002",
        ["WeCom__Secret"] = "corpsecret",
        ["WeCom__ApiBaseUrl"] = api.BaseUrl,
        ["WeCom__ReplyDeadlineSeconds"] = deadlineSeconds.ToString(CultureInfo.InvariantCulture),
    };

    // Each callback gets its own nonce, as WeChat's do: a (timestamp, nonce) seen with another body is a replay.
    private static string Query(string? encrypt = null, string? nonce = null)
    {
        nonce ??= Guid.NewGuid().ToString("N")[..10];
        var ts = DateTimeOffset.UtcNow.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        var q = $"timestamp={ts}&nonce={nonce}&signature={WeChatSignature.Compute(Token, ts, nonce)}";
        return encrypt is null ? q : q + "&msg_signature=" + WeChatSignature.Compute(Token, ts, nonce, encrypt) + "&encrypt_type=aes";
    }

    private static string TextXml(string to, string from, string content, long msgId) =>
        $"<xml><ToUserName><![CDATA[{to}]]></ToUserName><FromUserName><![CDATA[{from}]]></FromUserName><CreateTime>{DateTimeOffset.UtcNow.ToUnixTimeSeconds()}</CreateTime><MsgType><![CDATA[text]]></MsgType><Content><![CDATA[{content}]]></Content><MsgId>{msgId}</MsgId></xml>";

    private static async Task<string> PlainAsync(ServiceProcess s, string content, long msgId)
    {
        using var r = await s.Http.PostAsync("api/wechat?" + Query(), new StringContent(TextXml("gh_county", "oCitizen", content, msgId), Encoding.UTF8, "text/xml"));
        var body = await r.Content.ReadAsStringAsync();
        Assert.True(r.StatusCode == HttpStatusCode.OK, body);
        return WeChatXml.Parse(body).Content!;
    }

    [Fact]
    public async Task A_legal_aid_application_works_entirely_by_text_in_the_official_account()
    {
        await using var api = await FakeWeChatApi.StartAsync();
        using var workspace = new ServiceWorkspace();
        await using var service = await ServiceProcess.StartAsync(workspace.Knowledge, workspace.Data, Environment(api, "plain", 4.0));

        // URL verification as the platform does it when the operator saves the server address.
        Assert.Equal("echo-4711", await service.Http.GetStringAsync("api/wechat?" + Query() + "&echostr=echo-4711"));

        var msgId = 88_000L;
        var first = await PlainAsync(service, "我想申请法律援助,老板欠我工资", ++msgId);
        Assert.Contains("第四十二条", first, StringComparison.Ordinal);
        Assert.Contains("回复 1：", first, StringComparison.Ordinal);
        var consent = "";
        foreach (var answer in new[] { "是", "城关镇东关村", "张三", "13812345678", "老板拖欠我三个月工资，一共一万二" })
            consent = await PlainAsync(service, answer, ++msgId);
        // The consent and confirmation questions are answered by option number, as a WeChat user would.
        Assert.Contains("回复 1：同意", consent, StringComparison.Ordinal);
        var summary = await PlainAsync(service, "1", ++msgId);
        Assert.Contains("请核对您的申请信息", summary, StringComparison.Ordinal);
        Assert.Contains("回复 1：确认提交", summary, StringComparison.Ordinal);
        var filed = await PlainAsync(service, "1", ++msgId);
        Assert.NotNull(ReferenceNumbers.Find(filed));
        Assert.Contains("示例县法律援助中心（演示数据）", filed, StringComparison.Ordinal);
        Assert.Empty(api.Sent);
        Assert.DoesNotContain("13812345678", service.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task With_a_zero_deadline_answers_arrive_once_through_the_api_in_safe_mode_and_for_wecom()
    {
        await using var api = await FakeWeChatApi.StartAsync();
        using var workspace = new ServiceWorkspace();
        await using var service = await ServiceProcess.StartAsync(workspace.Knowledge, workspace.Data, Environment(api, "safe", 0));

        var oa = new WeChatCipher(AesKey, "wxlegalbottest");
        var encrypt = oa.Encrypt(TextXml("gh_county", "oSafeUser", "老板拖欠工资怎么办", 99_001));
        var body = $"<xml><ToUserName><![CDATA[gh_county]]></ToUserName><Encrypt><![CDATA[{encrypt}]]></Encrypt></xml>";
        var query = Query(encrypt);
        // WeChat retries the same message three times: one answer only.
        for (var i = 0; i < 4; i++)
        {
            using var r = await service.Http.PostAsync("api/wechat?" + query, new StringContent(body, Encoding.UTF8, "text/xml"));
            Assert.Equal("success", await r.Content.ReadAsStringAsync());
        }

        var wecom = new WeChatCipher(AesKey, "wwcorptest");
        var wecomEncrypt = wecom.Encrypt(TextXml("wwcorptest", "zhangsan", "离婚要带什么材料", 99_002).Replace("</xml>", "<AgentID>1000002</AgentID></xml>", StringComparison.Ordinal));
        using (var r = await service.Http.PostAsync("api/wecom?" + Query(wecomEncrypt),
            new StringContent($"<xml><ToUserName><![CDATA[wwcorptest]]></ToUserName><Encrypt><![CDATA[{wecomEncrypt}]]></Encrypt><AgentID><![CDATA[1000002]]></AgentID></xml>", Encoding.UTF8, "text/xml")))
            Assert.Equal("success", await r.Content.ReadAsStringAsync());

        var sent = await api.WaitForSentAsync(2, TimeSpan.FromSeconds(15));
        await Task.Delay(1000);
        Assert.Equal(2, api.Sent.Count);
        var toCitizen = Assert.Single(sent, s => s.Api == "custom");
        Assert.Equal("oSafeUser", toCitizen.ToUser);
        Assert.Contains("出处", toCitizen.Content, StringComparison.Ordinal);
        var toEmployee = Assert.Single(sent, s => s.Api == "wecom");
        Assert.Equal(("zhangsan", 1000002), (toEmployee.ToUser, toEmployee.Body["agentid"]!.GetValue<int>()));
        Assert.Contains("wechat: answer not ready", service.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Bad_callbacks_get_clear_errors_and_a_log_line_and_the_service_keeps_answering()
    {
        await using var api = await FakeWeChatApi.StartAsync();
        using var workspace = new ServiceWorkspace();
        await using var service = await ServiceProcess.StartAsync(workspace.Knowledge, workspace.Data, Environment(api, "plain", 4.0));

        async Task<(HttpStatusCode, string)> Post(string query, string body)
        {
            using var r = await service.Http.PostAsync("api/wechat?" + query, new StringContent(body, Encoding.UTF8, "text/xml"));
            return (r.StatusCode, await r.Content.ReadAsStringAsync());
        }

        var (status, reason) = await Post(Query(), "<xml><ToUserName>a</ToUserName");
        Assert.Equal((HttpStatusCode.BadRequest, true), (status, reason.Contains("malformed XML", StringComparison.Ordinal)));
        (status, _) = await Post(Query(), "<!DOCTYPE xml [<!ENTITY x SYSTEM \"file:///etc/passwd\">]><xml><Content>&x;</Content></xml>");
        Assert.Equal(HttpStatusCode.BadRequest, status);
        (status, _) = await Post(Query(), "<xml><Content>" + new string('a', 70_000) + "</Content></xml>");
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, status);
        (status, _) = await Post(Query().Replace("signature=", "signature=0", StringComparison.Ordinal), TextXml("gh", "o", "你好", 1));
        Assert.Equal(HttpStatusCode.Forbidden, status);
        var stale = DateTimeOffset.UtcNow.AddHours(-1).ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        (status, _) = await Post($"timestamp={stale}&nonce=1&signature={WeChatSignature.Compute(Token, stale, "1")}", TextXml("gh", "o", "你好", 2));
        Assert.Equal(HttpStatusCode.Forbidden, status);

        Assert.Contains("rejected callback: 400 malformed XML", service.Output, StringComparison.Ordinal);
        Assert.Contains("DTDs are not allowed", service.Output, StringComparison.Ordinal);
        Assert.Contains("法律援助", await PlainAsync(service, "怎么申请法律援助", 3), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_misconfigured_channel_stops_the_service_with_one_clear_line()
    {
        using var workspace = new ServiceWorkspace();
        var ex = await Assert.ThrowsAsync<InvalidOperationException>(() => ServiceProcess.StartAsync(workspace.Knowledge, workspace.Data,
            new Dictionary<string, string> { ["WeChat__Token"] = Token, ["WeChat__Mode"] = "safe", ["WeChat__EncodingAESKey"] = "too-short" }));
        Assert.Contains("legalbot: invalid configuration: WeChat:AppId is required; WeChat:EncodingAESKey must be the 43-character key", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", ex.Message, StringComparison.Ordinal);
    }
}
