using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using LegalBot.Channels.Tests;
using LegalBot.Channels.WeChat;

namespace LegalBot.Service.Tests;

/// <summary>普法 on the real service over the repository's knowledge folder: through Direct Line and through WeChat (text only).</summary>
public sealed partial class PublicityServiceTests
{
    private const string Token = "legalbotToken1";

    private static string Query()
    {
        var nonce = Guid.NewGuid().ToString("N")[..10];
        var ts = DateTimeOffset.UtcNow.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        return $"timestamp={ts}&nonce={nonce}&signature={WeChatSignature.Compute(Token, ts, nonce)}";
    }

    private static async Task<string> WeChatAsync(ServiceProcess s, string user, string content, long msgId)
    {
        var xml = $"<xml><ToUserName><![CDATA[gh_county]]></ToUserName><FromUserName><![CDATA[{user}]]></FromUserName><CreateTime>{DateTimeOffset.UtcNow.ToUnixTimeSeconds()}</CreateTime><MsgType><![CDATA[text]]></MsgType><Content><![CDATA[{content}]]></Content><MsgId>{msgId}</MsgId></xml>";
        using var r = await s.Http.PostAsync("api/wechat?" + Query(), new StringContent(xml, Encoding.UTF8, "text/xml"));
        var body = await r.Content.ReadAsStringAsync();
        Assert.True(r.StatusCode == HttpStatusCode.OK, body);
        return WeChatXml.Parse(body).Content!;
    }

    [Fact]
    public async Task Over_wechat_a_lesson_a_full_quiz_with_explanations_and_the_weekly_lesson_through_the_api()
    {
        await using var api = await FakeWeChatApi.StartAsync();
        using var workspace = new ServiceWorkspace();
        await using var service = await ServiceProcess.StartAsync(workspace.Knowledge, workspace.Data, new Dictionary<string, string>
        {
            ["WeChat__Token"] = Token, ["WeChat__AppId"] = "wxlegalbottest", ["WeChat__AppSecret"] = "secret", ["WeChat__Mode"] = "plain",
            ["WeChat__ApiBaseUrl"] = api.BaseUrl, ["Publicity__CheckEverySeconds"] = "1",
        });
        var msgId = 91_000L;
        var lesson = await WeChatAsync(service, "oLearner", "今日普法", ++msgId);
        Assert.StartsWith("【今日普法】", lesson, StringComparison.Ordinal);
        Assert.Matches(ArticleCited(), lesson);

        var text = await WeChatAsync(service, "oLearner", "学法答题", ++msgId);
        for (var n = 1; n <= 5; n++)
        {
            Assert.Contains($"第 {n}/5 题：", text, StringComparison.Ordinal);
            Assert.Contains("回复 1：", text, StringComparison.Ordinal);
            text = await WeChatAsync(service, "oLearner", "1", ++msgId);
            Assert.Matches(@"^(回答正确|答错了，正确答案是)", text);
            Assert.Matches(ArticleCited(), text);
        }
        Assert.Matches(@"答题结束：5 题答对 \d 题，得分 \d+ 分", text);

        // Opted in: the weekly lesson comes through the customer-service API (the push runs every second here).
        Assert.Contains("已为您订阅「每周普法」", await WeChatAsync(service, "oLearner", "订阅每周普法", ++msgId), StringComparison.Ordinal);
        var pushed = await api.WaitForSentAsync(1, TimeSpan.FromSeconds(20));
        var sent = Assert.Single(pushed);
        Assert.Equal("oLearner", sent.ToUser);
        Assert.StartsWith("【每周普法】", sent.Content, StringComparison.Ordinal);
        Assert.Equal("custom", sent.Api); // the customer-service API (/cgi-bin/message/custom/send)
        // Once a week: nothing more now; after 退订, nothing at all.
        await Task.Delay(2500);
        Assert.Single(api.Sent);
        Assert.Contains("已为您退订", await WeChatAsync(service, "oLearner", "退订", ++msgId), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Over_direct_line_the_lesson_cites_an_article_and_quiz_options_are_buttons()
    {
        using var workspace = new ServiceWorkspace();
        await using var service = await ServiceProcess.StartAsync(workspace.Knowledge, workspace.Data);
        var dl = new DirectLineClient(service.Http);
        await dl.StartAsync();
        var lesson = (await dl.AskAsync("今日普法"))[0];
        Assert.StartsWith("【今日普法】", lesson.GetProperty("text").GetString(), StringComparison.Ordinal);
        Assert.Matches(ArticleCited(), lesson.GetProperty("text").GetString()!);
        var replies = await dl.AskAsync("学法答题");
        var question = replies[^1];
        Assert.Contains("第 1/5 题：", question.GetProperty("text").GetString(), StringComparison.Ordinal);
        var options = question.GetProperty("suggestedActions").GetProperty("actions").EnumerateArray().ToList();
        Assert.InRange(options.Count, 3, 4);
        var feedback = (await dl.AskAsync(options[0].GetProperty("value").GetString()!))[0];
        Assert.Matches(@"^(回答正确|答错了，正确答案是)", feedback.GetProperty("text").GetString()!);
        Assert.Matches(ArticleCited(), feedback.GetProperty("text").GetString()!);
    }

    [GeneratedRegex(@"《[^》]+》第[一二三四五六七八九十百千零]+条")]
    private static partial Regex ArticleCited();
}
