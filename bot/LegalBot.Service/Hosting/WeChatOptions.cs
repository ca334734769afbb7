using System.ComponentModel.DataAnnotations;
using LegalBot.Channels.WeChat;
using Microsoft.Extensions.Options;

namespace LegalBot.Service.Hosting;

/// <summary>What the Official Account and WeCom callbacks share: token, AES key, API host, deadline, menu.</summary>
public abstract class WeChatChannelOptions
{
    /// <summary>The callback Token set on the platform; the channel is off while it is empty.</summary>
    public string Token { get; set; } = "";
    public string EncodingAESKey { get; set; } = "";
    /// <summary>The platform API host (tests point it at a local server).</summary>
    [Url] public string ApiBaseUrl { get; set; } = "";
    /// <summary>Passive replies must arrive within WeChat's 5 s; answers not ready by then go through the API.</summary>
    [Range(0.0, 4.8)] public double ReplyDeadlineSeconds { get; set; } = 4.0;
    /// <summary>Callbacks whose timestamp differs more from our clock are rejected as replays.</summary>
    [Range(10, 3600)] public int TimestampWindowSeconds { get; set; } = 300;
    /// <summary>Custom-menu CLICK keys → what the citizen is taken to ask (added to the built-in keys).</summary>
    public Dictionary<string, string> MenuKeys { get; set; } = [];
    /// <summary>Custom-menu CLICK keys answered with a news (图文) card.</summary>
    public Dictionary<string, NewsArticleOptions> Articles { get; set; } = [];

    public bool Enabled => !string.IsNullOrWhiteSpace(Token);

    protected IEnumerable<string> CommonProblems(string section)
    {
        if (Token.Any(c => !char.IsAsciiLetterOrDigit(c)) || Token.Length is > 32)
            yield return $"{section}:Token must be 1-32 letters or digits (as the platform requires)";
        foreach (var (key, article) in Articles)
        {
            if (string.IsNullOrWhiteSpace(article.Title) || !Uri.TryCreate(article.Url, UriKind.Absolute, out _))
                yield return $"{section}:Articles:{key} needs a Title and an absolute Url";
        }
    }

    public WeChatCallbackSettings ToSettings(string channel, WeChatCipher? cipher, bool urlVerificationEncrypted)
    {
        var keys = new Dictionary<string, string>(WeChatTexts.DefaultMenuKeys, StringComparer.Ordinal);
        foreach (var (k, v) in MenuKeys) keys[k] = v;
        return new WeChatCallbackSettings(channel, Token, cipher, urlVerificationEncrypted,
            TimeSpan.FromSeconds(ReplyDeadlineSeconds), TimeSpan.FromSeconds(TimestampWindowSeconds), keys,
            Articles.ToDictionary(a => a.Key, a => new NewsArticle(a.Value.Title, a.Value.Description, a.Value.Url, a.Value.PicUrl), StringComparer.Ordinal));
    }
}

public sealed class NewsArticleOptions
{
    public string Title { get; set; } = "";
    public string Description { get; set; } = "";
    public string Url { get; set; } = "";
    public string? PicUrl { get; set; }
}

/// <summary><c>WeChat__*</c>: the Official Account callback at /api/wechat.</summary>
public sealed class WeChatOptions : WeChatChannelOptions
{
    public const string Section = "WeChat";
    public const string Plain = "plain";
    public const string Safe = "safe";

    public string AppId { get; set; } = "";
    /// <summary>Needed to send answers that miss the passive-reply deadline (customer-service API).</summary>
    public string AppSecret { get; set; } = "";
    /// <summary>plain | safe (安全模式, AES). Compatibility mode is configured as safe.</summary>
    public string Mode { get; set; } = Plain;

    public WeChatOptions() => ApiBaseUrl = "https://api.weixin.qq.com";

    public bool SafeMode => string.Equals(Mode, Safe, StringComparison.OrdinalIgnoreCase);

    public IEnumerable<string> Problems()
    {
        if (!Enabled) yield break;
        foreach (var p in CommonProblems(Section)) yield return p;
        if (!string.Equals(Mode, Plain, StringComparison.OrdinalIgnoreCase) && !SafeMode) yield return "WeChat:Mode must be plain or safe";
        if (string.IsNullOrWhiteSpace(AppId)) yield return "WeChat:AppId is required";
        if (SafeMode && !WeChatCipher.IsValidKey(EncodingAESKey)) yield return "WeChat:EncodingAESKey must be the 43-character key from the platform (safe mode)";
    }
}

/// <summary><c>WeCom__*</c>: the WeCom (企业微信) self-built app callback at /api/wecom. Always encrypted.</summary>
public sealed class WeComOptions : WeChatChannelOptions
{
    public const string Section = "WeCom";

    public string CorpId { get; set; } = "";
    /// <summary>With <see cref="Secret"/>, needed to send answers that miss the passive-reply deadline.</summary>
    [Range(0, int.MaxValue)] public int AgentId { get; set; }
    public string Secret { get; set; } = "";

    public WeComOptions() => ApiBaseUrl = "https://qyapi.weixin.qq.com";

    public IEnumerable<string> Problems()
    {
        if (!Enabled) yield break;
        foreach (var p in CommonProblems(Section)) yield return p;
        if (string.IsNullOrWhiteSpace(CorpId)) yield return "WeCom:CorpId is required";
        if (!WeChatCipher.IsValidKey(EncodingAESKey)) yield return "WeCom:EncodingAESKey must be the 43-character key from the app's API settings";
        if (!string.IsNullOrWhiteSpace(Secret) && AgentId <= 0) yield return "WeCom:AgentId is required with WeCom:Secret";
    }
}

/// <summary>Start-up validation that lists every problem of a channel's settings at once.</summary>
public sealed class WeChatOptionsValidator : IValidateOptions<WeChatOptions>, IValidateOptions<WeComOptions>
{
    public ValidateOptionsResult Validate(string? name, WeChatOptions options) => Result(options.Problems());
    public ValidateOptionsResult Validate(string? name, WeComOptions options) => Result(options.Problems());

    private static ValidateOptionsResult Result(IEnumerable<string> problems)
    {
        var list = problems.ToList();
        return list.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(list);
    }
}
