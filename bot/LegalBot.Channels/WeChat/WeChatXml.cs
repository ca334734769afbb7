using System.Globalization;
using System.Text;
using System.Xml;

namespace LegalBot.Channels.WeChat;

/// <summary>A callback body that is not a well-formed, DTD-free WeChat XML message of acceptable size.</summary>
public sealed class WeChatXmlException(string message) : Exception(message);

/// <summary>The fields of a WeChat / WeCom callback message: the children of <c>&lt;xml&gt;</c>.</summary>
public sealed class WeChatInbound(IReadOnlyDictionary<string, string> fields)
{
    public IReadOnlyDictionary<string, string> Fields { get; } = fields;
    public string? this[string name] => Fields.TryGetValue(name, out var v) ? v : null;

    public string ToUserName => this["ToUserName"] ?? "";
    public string FromUserName => this["FromUserName"] ?? "";
    public string MsgType => (this["MsgType"] ?? "").ToLowerInvariant();
    public string? Content => this["Content"];
    public string? MsgId => this["MsgId"];
    public string? Event => this["Event"];
    public string? EventKey => this["EventKey"];
    public string? Recognition => this["Recognition"];
    public string? Encrypt => this["Encrypt"];
    public long CreateTime => long.TryParse(this["CreateTime"], NumberStyles.None, CultureInfo.InvariantCulture, out var t) ? t : 0;

    /// <summary>WeChat retries a message up to 3 times: MsgId identifies it; events have none, so sender + time does.</summary>
    public string DeduplicationKey => MsgId is { Length: > 0 } id ? "msg:" + id : $"evt:{FromUserName}:{CreateTime}:{Event}";
}

/// <summary>
/// Parsing and writing WeChat's callback XML. Parsing is hardened: DTDs are refused (no XXE, no entity
/// expansion), no resolver, and a size cap; anything else malformed is a <see cref="WeChatXmlException"/>.
/// </summary>
public static class WeChatXml
{
    /// <summary>Real callbacks are a few KB; anything much larger is not WeChat.</summary>
    public const int MaxBodyBytes = 64 * 1024;

    private static readonly XmlReaderSettings ReaderSettings = new()
    {
        DtdProcessing = DtdProcessing.Prohibit,
        XmlResolver = null,
        MaxCharactersInDocument = MaxBodyBytes,
        MaxCharactersFromEntities = 0,
        IgnoreComments = true,
        IgnoreProcessingInstructions = true,
        IgnoreWhitespace = true,
        Async = false,
    };

    public static WeChatInbound Parse(string xml)
    {
        if (string.IsNullOrWhiteSpace(xml)) throw new WeChatXmlException("empty body: expected WeChat XML");
        if (Encoding.UTF8.GetByteCount(xml) > MaxBodyBytes) throw new WeChatXmlException($"body larger than {MaxBodyBytes} bytes");
        var fields = new Dictionary<string, string>(StringComparer.Ordinal);
        try
        {
            using var text = new StringReader(xml);
            using var reader = XmlReader.Create(text, ReaderSettings);
            reader.MoveToContent();
            if (reader.NodeType != XmlNodeType.Element || reader.Name != "xml") throw new WeChatXmlException("root element must be <xml>");
            if (reader.IsEmptyElement) return new WeChatInbound(fields);
            reader.Read();
            while (!reader.EOF && reader.NodeType != XmlNodeType.EndElement)
            {
                if (reader.NodeType == XmlNodeType.Element)
                {
                    var name = reader.Name;
                    // Nested elements (e.g. ScanCodeInfo) are kept as their concatenated text; we only read flat fields.
                    var value = reader.ReadElementContentAsStringOrInner();
                    fields.TryAdd(name, value);
                }
                else
                {
                    reader.Read();
                }
            }
        }
        catch (XmlException ex) when (ex.Message.Contains("DTD", StringComparison.Ordinal))
        {
            throw new WeChatXmlException("DTDs are not allowed (XXE protection)");
        }
        catch (XmlException ex)
        {
            throw new WeChatXmlException($"malformed XML at line {ex.LineNumber}, position {ex.LinePosition}: {ex.Message.Split(" Line ")[0]}");
        }
        return new WeChatInbound(fields);
    }

    private static string ReadElementContentAsStringOrInner(this XmlReader reader)
    {
        if (reader.IsEmptyElement)
        {
            reader.Read();
            return "";
        }
        var depth = reader.Depth;
        var text = new StringBuilder();
        reader.Read();
        while (!(reader.NodeType == XmlNodeType.EndElement && reader.Depth == depth))
        {
            if (reader.NodeType is XmlNodeType.Text or XmlNodeType.CDATA or XmlNodeType.SignificantWhitespace) text.Append(reader.Value);
            if (!reader.Read()) throw new WeChatXmlException("unexpected end of XML");
        }
        reader.Read();
        return text.ToString();
    }

    /// <summary>A passive text reply. To/From are swapped relative to the inbound message by the caller.</summary>
    public static string TextReply(string toUser, string fromUser, long createTime, string content)
    {
        var xml = Header(toUser, fromUser, createTime, "text");
        Cdata(xml, "Content", content);
        return xml.Append("</xml>").ToString();
    }

    /// <summary>A passive news (图文) reply: up to 8 articles.</summary>
    public static string NewsReply(string toUser, string fromUser, long createTime, IReadOnlyList<NewsArticle> articles)
    {
        if (articles.Count is 0 or > 8) throw new ArgumentException("a news reply has 1 to 8 articles", nameof(articles));
        var xml = Header(toUser, fromUser, createTime, "news");
        xml.Append("<ArticleCount>").Append(articles.Count.ToString(CultureInfo.InvariantCulture)).Append("</ArticleCount><Articles>");
        foreach (var a in articles)
        {
            xml.Append("<item>");
            Cdata(xml, "Title", a.Title);
            Cdata(xml, "Description", a.Description);
            Cdata(xml, "PicUrl", a.PicUrl ?? "");
            Cdata(xml, "Url", a.Url);
            xml.Append("</item>");
        }
        return xml.Append("</Articles></xml>").ToString();
    }

    private static StringBuilder Header(string toUser, string fromUser, long createTime, string msgType)
    {
        var xml = new StringBuilder(512).Append("<xml>");
        Cdata(xml, "ToUserName", toUser);
        Cdata(xml, "FromUserName", fromUser);
        xml.Append("<CreateTime>").Append(createTime.ToString(CultureInfo.InvariantCulture)).Append("</CreateTime>");
        Cdata(xml, "MsgType", msgType);
        return xml;
    }

    /// <summary>The safe-mode reply envelope, in the exact layout of Tencent's samples.</summary>
    public static string EncryptedEnvelope(string encrypt, string msgSignature, string timestamp, string nonce) =>
        "<xml>\n" +
        $"<Encrypt><![CDATA[{encrypt}]]></Encrypt>\n" +
        $"<MsgSignature><![CDATA[{msgSignature}]]></MsgSignature>\n" +
        $"<TimeStamp>{timestamp}</TimeStamp>\n" +
        $"<Nonce><![CDATA[{EscapeCdata(nonce)}]]></Nonce>\n" +
        "</xml>";

    private static void Cdata(StringBuilder xml, string name, string value) =>
        xml.Append('<').Append(name).Append("><![CDATA[").Append(EscapeCdata(RemoveInvalidXmlChars(value))).Append("]]></").Append(name).Append('>');

    /// <summary>"]]>" cannot appear inside CDATA: split it across two sections.</summary>
    private static string EscapeCdata(string value) => value.Replace("]]>", "]]]]><![CDATA[>", StringComparison.Ordinal);

    private static string RemoveInvalidXmlChars(string value)
    {
        if (value.All(XmlConvert.IsXmlChar)) return value;
        var sb = new StringBuilder(value.Length);
        for (var i = 0; i < value.Length; i++)
        {
            if (XmlConvert.IsXmlChar(value[i])) sb.Append(value[i]);
            else if (i + 1 < value.Length && XmlConvert.IsXmlSurrogatePair(value[i + 1], value[i])) sb.Append(value, i++, 2);
        }
        return sb.ToString();
    }
}

/// <summary>One 图文 article: title, short description, link, and an optional cover image.</summary>
public sealed record NewsArticle(string Title, string Description, string Url, string? PicUrl = null);
