using LegalBot.Channels.WeChat;

namespace LegalBot.Channels.Tests;

public sealed class WeChatXmlTests
{
    [Fact]
    public void Message_samples_parse_into_their_fields()
    {
        var text = WeChatXml.Parse("<xml>\n<ToUserName><![CDATA[toUser]]></ToUserName>\n<FromUserName><![CDATA[fromUser]]></FromUserName>\n<CreateTime>1348831860</CreateTime>\n<MsgType><![CDATA[text]]></MsgType>\n<Content><![CDATA[this is a test]]></Content>\n<MsgId>1234567890123456</MsgId>\n</xml>");
        Assert.Equal(("toUser", "fromUser", 1348831860L, "text", "this is a test", "msg:1234567890123456"),
            (text.ToUserName, text.FromUserName, text.CreateTime, text.MsgType, text.Content, text.DeduplicationKey));

        var voice = WeChatXml.Parse("<xml><ToUserName><![CDATA[toUser]]></ToUserName><FromUserName><![CDATA[fromUser]]></FromUserName><CreateTime>1357290913</CreateTime><MsgType><![CDATA[voice]]></MsgType><MediaId><![CDATA[media_id]]></MediaId><Format><![CDATA[Format]]></Format><Recognition><![CDATA[腾讯微信团队]]></Recognition><MsgId>1234567890123456</MsgId></xml>");
        Assert.Equal(("voice", "腾讯微信团队"), (voice.MsgType, voice.Recognition));

        // Events have no MsgId: sender + time (+ event) identify a delivery and its retries.
        var click = WeChatXml.Parse("<xml><ToUserName><![CDATA[toUser]]></ToUserName><FromUserName><![CDATA[FromUser]]></FromUserName><CreateTime>123456789</CreateTime><MsgType><![CDATA[event]]></MsgType><Event><![CDATA[CLICK]]></Event><EventKey><![CDATA[EVENTKEY]]></EventKey></xml>");
        Assert.Equal(("CLICK", "EVENTKEY", "evt:FromUser:123456789:CLICK"), (click.Event, click.EventKey, click.DeduplicationKey));
    }

    [Theory]
    [InlineData("<?xml version=\"1.0\"?><!DOCTYPE xml [<!ENTITY xxe SYSTEM \"file:///etc/passwd\">]><xml><Content>&xxe;</Content></xml>")]
    [InlineData("<?xml version=\"1.0\"?><!DOCTYPE lolz [<!ENTITY lol \"lol\"><!ENTITY lol2 \"&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;\">]><xml><Content>&lol2;</Content></xml>")]
    [InlineData("<!DOCTYPE xml SYSTEM \"http://attacker.example/evil.dtd\"><xml/>")]
    public void Dtds_and_external_entities_are_refused(string xml)
    {
        var ex = Assert.Throws<WeChatXmlException>(() => WeChatXml.Parse(xml));
        Assert.Contains("DTD", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("", "empty")]
    [InlineData("<xml><Content>unclosed</xml>", "line 1")]
    [InlineData("{\"json\": true}", "malformed")]
    [InlineData("<root><a>1</a></root>", "<xml>")]
    public void Malformed_bodies_get_a_reason(string xml, string reason)
    {
        var ex = Assert.Throws<WeChatXmlException>(() => WeChatXml.Parse(xml));
        Assert.Contains(reason, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Oversized_bodies_are_refused_before_parsing() =>
        Assert.Throws<WeChatXmlException>(() => WeChatXml.Parse("<xml><Content>" + new string('a', WeChatXml.MaxBodyBytes) + "</Content></xml>"));

    [Fact]
    public void Replies_escape_cdata_terminators_and_drop_characters_xml_cannot_carry()
    {
        var xml = WeChatXml.TextReply("user", "gh_1", 1411525903, "a]]>b\u0001c😀");
        var parsed = WeChatXml.Parse(xml);
        Assert.Equal(("user", "gh_1", "text", "a]]>bc😀"), (parsed.ToUserName, parsed.FromUserName, parsed.MsgType, parsed.Content));
    }

    [Fact]
    public void News_replies_carry_their_articles()
    {
        var xml = WeChatXml.NewsReply("user", "gh_1", 1, [new NewsArticle("法律援助指南", "怎么申请", "https://example.gov.cn/a", "https://example.gov.cn/a.png")]);
        Assert.Contains("<MsgType><![CDATA[news]]></MsgType><ArticleCount>1</ArticleCount><Articles><item><Title><![CDATA[法律援助指南]]></Title>", xml, StringComparison.Ordinal);
        Assert.Contains("<Url><![CDATA[https://example.gov.cn/a]]></Url></item></Articles></xml>", xml, StringComparison.Ordinal);
        Assert.Equal("news", WeChatXml.Parse(xml).MsgType);
    }
}
