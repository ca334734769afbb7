using System.Text;
using LegalBot.Channels.WeChat;
using LegalBot.Conversation;
using LegalBot.Conversation.State;

namespace LegalBot.Channels.Tests;

public sealed class WeChatRendererTests
{
    internal static OutboundReply Answer(string quote, string lead = "根据《中华人民共和国法律援助法》第三十一条的规定：") => new(
        ReplyKind.Answer, "legal-aid", lead, quote,
        [new Citation("中华人民共和国法律援助法", "第三十一条", null, "law#31"), new Citation("中华人民共和国法律援助法", "第四十二条", null, "law#42")],
        ["以上内容仅供参考，具体情况可拨打 12348 咨询。"],
        [new SuggestedAction("申请法律援助要带什么材料？", "申请法律援助要带什么材料？"), new SuggestedAction("我要申请法律援助", "我要申请法律援助")],
        [new SuggestedAction("有帮助", "有帮助", ActionKind.Payload, new Dictionary<string, string> { ["action"] = "feedback" }),
         new SuggestedAction("没帮助", "没帮助", ActionKind.Payload, new Dictionary<string, string> { ["action"] = "feedback" })],
        0.9, "a1", new OfficeCard("示例县法律援助中心", "示例县人民路 1 号", "0000-1234567", "工作日 9:00-17:00", true));

    [Fact]
    public void Text_has_the_quote_sources_office_and_options_numbered_as_the_engine_numbers_them()
    {
        var reply = Answer("第三十一条 下列事项的当事人，因经济困难没有委托代理人的，可以向法律援助机构申请法律援助：\n（一）依法请求国家赔偿；");
        var text = WeChatRenderer.RenderSingle([reply]);
        Assert.StartsWith("根据《中华人民共和国法律援助法》第三十一条的规定：\n第三十一条 下列事项", text, StringComparison.Ordinal);
        Assert.Contains("——出处：《中华人民共和国法律援助法》第三十一条、第四十二条", text, StringComparison.Ordinal);
        Assert.Contains("示例县法律援助中心", text, StringComparison.Ordinal);
        Assert.Contains("0000-1234567", text, StringComparison.Ordinal);
        var numbered = NumberedOptions.Numbered([reply]);
        for (var i = 0; i < numbered.Count; i++) Assert.Contains(WeChatTexts.Option(i + 1, numbered[i].Title), text, StringComparison.Ordinal);
        Assert.Contains("回复 3：有帮助", text, StringComparison.Ordinal);
        Assert.DoesNotContain("**", text, StringComparison.Ordinal);
    }

    [Fact]
    public void A_long_answer_is_trimmed_to_the_limit_keeping_the_citation_office_and_options()
    {
        var reply = Answer(string.Concat(Enumerable.Repeat("因经济困难没有委托代理人的，可以申请法律援助。", 200)));
        var text = WeChatRenderer.RenderSingle([reply]);
        Assert.True(Encoding.UTF8.GetByteCount(text) <= WeChatRenderer.MaxMessageBytes, $"{Encoding.UTF8.GetByteCount(text)} bytes");
        Assert.Contains(WeChatTexts.Trimmed, text, StringComparison.Ordinal);
        Assert.Contains("《中华人民共和国法律援助法》第三十一条、第四十二条", text, StringComparison.Ordinal);
        Assert.Contains("0000-1234567", text, StringComparison.Ordinal);
        Assert.Contains("回复 4：没帮助", text, StringComparison.Ordinal);
    }

    [Fact]
    public void The_api_path_sends_a_long_answer_whole_in_ordered_parts_within_the_limit()
    {
        var quote = string.Join("\n", Enumerable.Range(1, 60).Select(i => $"（{i}）因经济困难没有委托代理人的，可以申请法律援助。"));
        var parts = WeChatRenderer.RenderParts([Answer(quote)]);
        Assert.InRange(parts.Count, 2, WeChatRenderer.MaxParts);
        Assert.All(parts, p => Assert.True(Encoding.UTF8.GetByteCount(p) <= WeChatRenderer.MaxMessageBytes));
        var joined = string.Join("\n", parts);
        Assert.Contains("（60）因经济困难", joined, StringComparison.Ordinal);
        Assert.EndsWith(WeChatTexts.Continued(parts.Count, parts.Count), parts[^1], StringComparison.Ordinal);
        Assert.Contains("第四十二条", parts[^1], StringComparison.Ordinal);
    }

    [Fact]
    public void Several_replies_and_phone_links_share_one_message()
    {
        var emergency = new OutboundReply(ReplyKind.Emergency, "emergency", "请立即拨打 110。", null, [], [],
            [new SuggestedAction("拨打 110", "tel:110", ActionKind.Link)], [], 1, null);
        var text = WeChatRenderer.RenderSingle([emergency, Answer("第三十二条 ……")]);
        Assert.StartsWith("请立即拨打 110。", text, StringComparison.Ordinal);
        Assert.Contains("☎ 拨打 110", text, StringComparison.Ordinal);
        Assert.Contains("回复 1：申请法律援助要带什么材料？", text, StringComparison.Ordinal);
    }
}
