using System.Text;
using LegalBot.Channels.WeChat;

namespace LegalBot.Channels.Tests;

/// <summary>Every vector of ../shared/contracts/wechat-vectors.md (sources named there), byte for byte.</summary>
public sealed class WeChatCryptoVectorTests
{
    [Theory]
    // 1. wechatpy test_check_signature_should_ok
    [InlineData("test", "1410685589", "test", "f21891de399b4e33a1a93c9a7b8a8fffb5a443ff")]
    // 2. Senparc CheckSignatureTest
    [InlineData("weixin", "1357982061", "1358161344", "335b26997f05c82243aad6b10a2d1853637e71a8")]
    [InlineData("huhujm", "1359208540", "1359227084", "efa917e2445cc9f0aa4386ca92f96de5a242e24e")]
    // 3. Official walk-through (plain mode)
    [InlineData("AAAAA", "1714037059", "486452656", "899cf89e464efb63f54ddac96b0a0a235f53aa78")]
    public void Plain_signatures_match_the_published_values(string token, string timestamp, string nonce, string signature)
    {
        Assert.Equal(signature, WeChatSignature.Compute(token, timestamp, nonce));
        Assert.True(WeChatSignature.Verify(signature, token, timestamp, nonce));
        Assert.True(WeChatSignature.Verify(signature.ToUpperInvariant(), token, timestamp, nonce));
    }

    [Theory]
    [InlineData("f21891de399b4e33a1a93c9a7b8a8fffb5a443fe")] // wechatpy test_check_signature_should_fail
    [InlineData("invalid-signature")]
    [InlineData("")]
    [InlineData(null)]
    public void Forged_plain_signatures_are_rejected(string? signature) =>
        Assert.False(WeChatSignature.Verify(signature, "test", "1410685589", "test"));

    private const string Vector4Encrypt = "hyzAe4OzmOMbd6TvGdIOO6uBmdJoD0Fk53REIHvxYtJlE2B655HuD0m8KUePWB3+LrPXo87wzQ1QLvbeUgmBM4x6F8PGHQHFVAFmOD2LdJF9FrXpbUAh0B5GIItb52sn896wVsMSHGuPE328HnRGBcrS7C41IzDWyWNlZkyyXwon8T332jisa+h6tEDYsVticbSnyU8dKOIbgU6ux5VTjg3yt+WGzjlpKn6NPhRjpA912xMezR4kw6KWwMrCVKSVCZciVGCgavjIQ6X8tCOp3yZbGpy0VxpAe+77TszTfRd5RJSVO/HTnifJpXgCSUdUue1v6h0EIBYYI1BD1DlD+C0CR8e6OewpusjZ4uBl9FyJvnhvQl+q5rv1ixrcpCumEPo5MJSgM9ehVsNPfUM669WuMyVWQLCzpu9GhglF2PE=";

    [Fact]
    public void Vector_4_official_account_safe_mode_sample_decrypts()
    {
        Assert.True(WeChatSignature.Verify("5d197aaffba7e9b25a30732f161a50dee96bd5fa", "spamtest", "1409735669", "1320562132", Vector4Encrypt));
        var xml = new WeChatCipher("abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG", "wx2c2769f8efd9abc2").Decrypt(Vector4Encrypt);
        Assert.Equal("<xml><ToUserName><![CDATA[gh_10f6c3c3ac5a]]></ToUserName>\n<FromUserName><![CDATA[oyORnuP8q7ou2gfYjqLzSIWZf0rs]]></FromUserName>\n<CreateTime>1409735668</CreateTime>\n<MsgType><![CDATA[text]]></MsgType>\n<Content><![CDATA[abcdteT]]></Content>\n<MsgId>6054768590064713728</MsgId>\n</xml>", xml);
        var message = WeChatXml.Parse(xml);
        Assert.Equal(("oyORnuP8q7ou2gfYjqLzSIWZf0rs", "text", "abcdteT", "6054768590064713728"), (message.FromUserName, message.MsgType, message.Content, message.MsgId));
    }

    private const string Vector5Encrypt = "rTNFcsut4LfGuAFKEUVVpwcaCOTJzOd9twZdIW910jb3k+iicx2uvhttIZ3Qg9Qgty3BEF2xbOrz6boTfb30dMomcgrkTqdFPwnhqbk+kIQ7rZiwny9D7NUrTgA5kpX3KsZvrXzUZyP2x9YOlxbgm572lmxKvM7HAQQhIQ/p6HBmoY30bGXFK0BtIu1pW9TjhOYrLQoU18nWYjWqDA1ynkmOytpv7QRI1P1+0NoxL0q2zO1DgeSvnE8CZGo/o5Ap/WHK5W2RAsinpzN4/LjPnmB6U01I5XCoJoC0GK/yMZycd2Oh8Nq6+wBkC1U85oy0ktOY4nLvsQMLrourmMGdZHuTbqpeJ8Ao/5PRYJ+WBvRUwPfGKBL2+2IKZF49vAJqkcGWSHGE76ZN2erXeuNazf/o9o3lIE3q739o4c8t9QGPe31GT2Go/rOz1BsrASwvauNulCh+++yz+CQzBIuikA==";

    [Fact]
    public void Vector_5_pad_byte_21_decrypts_where_dotnet_pkcs7_would_throw()
    {
        Assert.True(WeChatSignature.Verify("4f3ad57b6989f09f4eb392acce4f9e93942ed890", "pamtest", "1458300676", "260774613", Vector5Encrypt));
        Assert.False(WeChatSignature.Verify("invalid-signature", "pamtest", "1458300676", "260774613", Vector5Encrypt));
        var message = WeChatXml.Parse(new WeChatCipher("abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG", "wxb11529c136998cb6").Decrypt(Vector5Encrypt));
        Assert.Equal(("asdasdasd", "asdasdasdsadasd", 1234567898L, "hello", "12345"),
            (message.ToUserName, message.FromUserName, message.CreateTime, message.Content, message.MsgId));
        // EasyWeChat's negative case: the same ciphertext opened as another app is refused.
        var ex = Assert.Throws<WeChatCryptoException>(() => new WeChatCipher("abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG", "invalid appid").Decrypt(Vector5Encrypt));
        Assert.Contains("receive id", ex.Message, StringComparison.Ordinal);
    }

    private const string WeComKey6 = "kWxPEV2UEDyxWpmPdKC3F4dgPDmOvfKX1HGnEUDS1aR";

    [Fact]
    public void Vector_6a_wecom_url_verification_decrypts_echostr()
    {
        const string echo = "4ByGGj+sVCYcvGeQYhaKIk1o0pQRNbRjxybjTGblXrBaXlTXeOo1+bXFXDQQb1o6co6Yh9Bv41n7hOchLF6p+Q==";
        Assert.True(WeChatSignature.Verify("dd6b9c95b495b3f7e2901bfbc76c664930ffdb96", "123456", "1411443780", "437374425", echo));
        Assert.False(WeChatSignature.Verify("dd6b9c95b495b3f7e2901bfbc76c664930ffdb96", "123456", "1411443780", "437374424", echo));
        Assert.Equal("5927782489442352469", new WeChatCipher(WeComKey6, "wx49f0ab532d5d035a").Decrypt(echo));
    }

    [Fact]
    public void Vector_6b_encrypting_a_reply_reproduces_the_published_ciphertext_and_signature()
    {
        const string reply = "<xml>\n<MsgType><![CDATA[text]]></MsgType>\n<Content><![CDATA[test]]></Content>\n<FromUserName><![CDATA[wx49f0ab532d5d035a]]></FromUserName>\n<ToUserName><![CDATA[messense]]></ToUserName>\n<AgentID>1</AgentID>\n<CreateTime>1411525903</CreateTime>\n</xml>";
        var cipher = new WeChatCipher(WeComKey6, "wx49f0ab532d5d035a");
        var encrypt = cipher.Encrypt(reply, Encoding.ASCII.GetBytes("1234567890123456"));
        var envelope = WeChatXml.EncryptedEnvelope(encrypt, WeChatSignature.Compute("123456", "1411525903", "461056294", encrypt), "1411525903", "461056294");
        Assert.Equal("<xml>\n<Encrypt><![CDATA[9s4gMv99m88kKTh/H8IdkOiMg6bisoy3ypwy9H4hvSPe9nsGaqyw5hhSjdYbcrKk+j3nba4HMOTzHrluLBYqxgNcBqGsL8GqxlhZgURnAtObvesEl5nZ+uBE8bviY0LWke8Zy9V/QYKxNV2FqllNXcfmstttyIkMKCCmVbCFM2JTF5wY0nFhHZSjPUL2Q1qvSUCUld+/WIXrx0oyKQmpB6o8NRrrNrsDf03oxI1p9FxUgMnwKKZeOA/uu+2IEvEBtb7muXsVbwbgX05UPPJvFurDXafG0RQyPR+mf1nDnAtQmmNOuiR5MIkdQ39xn1vWwi1O5oazPoQJz0nTYjxxEE8kv3kFxtAGVRe3ypD3WeK2XeFYFMNMpatF9XiKzHo3]]></Encrypt>\n<MsgSignature><![CDATA[407518b7649e86ef23978113f92d27afa9296533]]></MsgSignature>\n<TimeStamp>1411525903</TimeStamp>\n<Nonce><![CDATA[461056294]]></Nonce>\n</xml>", envelope);
        Assert.Equal(reply, cipher.Decrypt(encrypt));
    }

    [Fact]
    public void Vector_6c_wecom_message_decrypts()
    {
        const string encrypt = "RgqEoJj5A4EMYlLvWO1F86ioRjZfaex/gePD0gOXTxpsq5Yj4GNglrBb8I2BAJVODGajiFnXBu7mCPatfjsu6IHCrsTyeDXzF6Bv283dGymzxh6ydJRvZsryDyZbLTE7rhnus50qGPMfp2wASFlzEgMW9z1ef/RD8XzaFYgm7iTdaXpXaG4+BiYyolBug/gYNx410cvkKR2/nPwBiT+P4hIiOAQqGp/TywZBtDh1yCF2KOd0gpiMZ5jSw3e29mTvmUHzkVQiMS6td7vXUaWOMZnYZlF3So2SjHnwh4jYFxdgpkHHqIrH/54SNdshoQgWYEvccTKe7FS709/5t6NMxuGhcUGAPOQipvWTT4dShyqio7mlsl5noTrb++x6En749zCpQVhDpbV6GDnTbcX2e8K9QaNWHp91eBdCRxthuL0=";
        Assert.True(WeChatSignature.Verify("74d92dfeb87ba7c714f89d98870ae5eb62dff26d", "123456", "1411525903", "461056294", encrypt));
        var message = WeChatXml.Parse(new WeChatCipher(WeComKey6, "wx49f0ab532d5d035a").Decrypt(encrypt));
        Assert.Equal(("messense", "test", "4363689963896700987", "1"), (message.FromUserName, message.Content, message.MsgId, message["AgentID"]));
    }

    private const string WeComKey7 = "jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C";

    [Fact]
    public void Vector_7a_official_wecom_sample_url_verification()
    {
        var echo = Uri.UnescapeDataString("P9nAzCzyDtyTWESHep1vC5X9xho%2FqYX3Zpb4yKa9SKld1DsH3Iyt3tP3zNdtp%2B4RPcs8TgAE7OaBO%2BFZXvnaqQ%3D%3D");
        Assert.True(WeChatSignature.Verify("5c45ff5e21c57e6ad56bac8758b79b1d9ac89fd3", "QDG6eK", "1409659589", "263014780", echo));
        Assert.Equal("1616140317555161061", new WeChatCipher(WeComKey7, "wx5823bf96d3bd56c7").Decrypt(echo));
    }

    [Fact]
    public void Vector_7b_pad_byte_30_message_decrypts()
    {
        const string encrypt = "RypEvHKD8QQKFhvQ6QleEB4J58tiPdvo+rtK1I9qca6aM/wvqnLSV5zEPeusUiX5L5X/0lWfrf0QADHHhGd3QczcdCUpj911L3vg3W/sYYvuJTs3TUUkSUXxaccAS0qhxchrRYt66wiSpGLYL42aM6A8dTT+6k4aSknmPj48kzJs8qLjvd4Xgpue06DOdnLxAUHzM6+kDZ+HMZfJYuR+LtwGc2hgf5gsijff0ekUNXZiqATP7PF5mZxZ3Izoun1s4zG4LUMnvw2r+KqCKIw+3IQH03v+BCA9nMELNqbSf6tiWSrXJB3LAVGUcallcrw8V2t9EL4EhzJWrQUax5wLVMNS0+rUPA3k22Ncx4XXZS9o0MBH27Bo6BpNelZpS+/uh9KsNlY6bHCmJU9p8g7m3fVKn28H3KDYA5Pl/T8Z1ptDAVe0lXdQ2YoyyH2uyPIGHBZZIs2pDBS8R07+qN+E7Q==";
        Assert.True(WeChatSignature.Verify("477715d11cdb4164915debcba66cb864d751f3e6", "QDG6eK", "1409659813", "1372623149", encrypt));
        var message = WeChatXml.Parse(new WeChatCipher(WeComKey7, "wx5823bf96d3bd56c7").Decrypt(encrypt));
        Assert.Equal(("mycreate", 1409659813L, "text", "hello", "4561255354251345929", "218"),
            (message.FromUserName, message.CreateTime, message.MsgType, message.Content, message.MsgId, message["AgentID"]));
    }

    [Fact]
    public void Round_trip_with_chinese_text_and_every_padding_length()
    {
        var cipher = new WeChatCipher(WeComKey7, "wx5823bf96d3bd56c7");
        for (var n = 0; n < 40; n++)
        {
            var text = "<xml><Content><![CDATA[" + new string('法', n) + "]]></Content></xml>";
            Assert.Equal(text, cipher.Decrypt(cipher.Encrypt(text)));
        }
    }

    [Theory]
    [InlineData("not base64!!")]
    [InlineData("AAAA")] // 3 bytes: not whole AES blocks
    [InlineData("AAAAAAAAAAAAAAAAAAAAAA==")] // one block of zeros: garbage padding
    public void Damaged_ciphertexts_are_refused_with_a_reason(string encrypt) =>
        Assert.Throws<WeChatCryptoException>(() => new WeChatCipher(WeComKey7, "wx5823bf96d3bd56c7").Decrypt(encrypt));

    [Theory]
    [InlineData("short")]
    [InlineData("abcdefghijklmnopqrstuvwxyz0123456789ABCDEF!")]
    public void Keys_that_are_not_43_base64_characters_are_refused(string key)
    {
        Assert.False(WeChatCipher.IsValidKey(key));
        Assert.Throws<ArgumentException>(() => new WeChatCipher(key, "id"));
    }
}
