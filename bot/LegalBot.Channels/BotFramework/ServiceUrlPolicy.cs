using System.Net;

namespace LegalBot.Channels.BotFramework;

/// <summary>
/// Where <c>/api/messages</c> may send replies. A reply is a POST the bot makes to the activity's serviceUrl, so an
/// unchecked serviceUrl turns the bot into a port scanner of its own network (SSRF). Authenticated channels: https,
/// a host within the configured channel domains (the JWT's serviceurl claim must match too; http only for a
/// loopback host listed there). Anonymous Emulator
/// mode: a loopback host only. Never a query, fragment or user info.
/// </summary>
public sealed class ServiceUrlPolicy(IReadOnlyList<string> channelDomains)
{
    /// <summary>Azure Bot Service's public, government and China clouds.</summary>
    public static readonly IReadOnlyList<string> DefaultChannelDomains =
        ["botframework.com", "trafficmanager.net", "botframework.azure.us", "botframework.azure.cn", "teams.microsoft.com"];

    public IReadOnlyList<string> ChannelDomains { get; } = channelDomains;

    /// <summary>Null when replies may go to <paramref name="serviceUrl"/>, else the reason they may not.</summary>
    public string? Check(string? serviceUrl, bool anonymous)
    {
        if (string.IsNullOrWhiteSpace(serviceUrl)) return "serviceUrl is required";
        if (!Uri.TryCreate(serviceUrl, UriKind.Absolute, out var uri) || uri.Scheme is not ("https" or "http"))
            return "serviceUrl must be an absolute http(s) URL";
        if (uri.Query.Length > 0 || uri.Fragment.Length > 0 || uri.UserInfo.Length > 0)
            return "serviceUrl must not carry a query, fragment or user info";
        if (anonymous)
            return IsLoopbackHost(uri) ? null : "anonymous (Emulator) mode replies to a loopback serviceUrl only";
        // Plain http only to a loopback host the operator listed (a local test channel).
        if (uri.Scheme != "https" && !IsLoopbackHost(uri)) return "serviceUrl must be https";
        var host = uri.IdnHost.TrimEnd('.').Trim('[', ']').ToLowerInvariant();
        return ChannelDomains.Any(d => host == d || host.EndsWith("." + d, StringComparison.Ordinal))
            ? null
            : $"serviceUrl host {host} is not one of the channel domains (Bot:ChannelDomains)";
    }

    public static bool IsLoopbackHost(Uri uri) =>
        uri.IsLoopback || IPAddress.TryParse(uri.IdnHost.Trim('[', ']'), out var ip) && IPAddress.IsLoopback(ip);
}
