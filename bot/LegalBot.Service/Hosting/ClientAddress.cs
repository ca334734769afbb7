using System.Net;

namespace LegalBot.Service.Hosting;

/// <summary>
/// The caller's address as the server can trust it. Forwarded headers are applied only from the configured proxies
/// (Network:KnownProxies), so RemoteIpAddress is the proxy's own address for anyone else. A request a proxy forwarded
/// is never "local": behind a same-host nginx every visitor connects from 127.0.0.1.
/// </summary>
public static class ClientAddress
{
    private static readonly string[] ForwardingHeaders = ["X-Forwarded-For", "Forwarded", "X-Real-IP", "X-Original-For"];

    public static string Of(HttpContext http) => http.Connection.RemoteIpAddress?.ToString() ?? "unknown";

    /// <summary>A direct connection from this machine, not relayed by a proxy.</summary>
    public static bool IsDirectLoopback(HttpContext http) =>
        http.Connection.RemoteIpAddress is { } ip && IPAddress.IsLoopback(ip)
        && !ForwardingHeaders.Any(h => http.Request.Headers.ContainsKey(h));
}
