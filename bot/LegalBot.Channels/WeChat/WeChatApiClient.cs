using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace LegalBot.Channels.WeChat;

/// <summary>The platform API answered with an error code (errcode ≠ 0), or could not be reached.</summary>
public sealed class WeChatApiException(int errorCode, string message) : Exception(message)
{
    public int ErrorCode { get; } = errorCode;
}

/// <summary>Sends a text message to a user outside the 5-second passive reply (customer-service / app message API).</summary>
public interface IWeChatSender
{
    Task SendTextAsync(string toUser, string content, CancellationToken cancellationToken);
}

/// <summary>
/// The few platform API calls LegalBot needs, over plain HTTP: fetch an access_token and send a text message.
/// The token is cached per instance (<see cref="AccessTokenCache"/>) and refreshed once when the API says it
/// is invalid or expired. "System busy" and connection failures are retried with backoff; a timeout is not,
/// because the message may have been delivered and a second copy would be a duplicate answer.
/// </summary>
public abstract class WeChatApiClient : IWeChatSender
{
    /// <summary>invalid credential / access_token expired / invalid access_token.</summary>
    private static readonly HashSet<int> TokenErrors = [40001, 42001, 40014];
    private const int SystemBusy = -1;
    private const int Attempts = 3;

    private readonly HttpClient _http;
    private readonly TimeProvider _time;

    protected WeChatApiClient(HttpClient http, TimeProvider time)
    {
        _http = http;
        _time = time;
        Tokens = new AccessTokenCache(FetchTokenAsync, time);
    }

    public AccessTokenCache Tokens { get; }

    protected HttpClient Http => _http;

    protected abstract Task<AccessToken> FetchTokenAsync(CancellationToken cancellationToken);

    protected abstract (string Path, object Body) TextMessage(string toUser, string content);

    public async Task SendTextAsync(string toUser, string content, CancellationToken cancellationToken)
    {
        var (path, body) = TextMessage(toUser, content);
        var refreshed = false;
        for (var attempt = 1; ; attempt++)
        {
            var token = await Tokens.GetAsync(cancellationToken).ConfigureAwait(false);
            ApiResult result;
            try
            {
                using var response = await _http.PostAsJsonAsync($"{path}?access_token={Uri.EscapeDataString(token)}", body, cancellationToken).ConfigureAwait(false);
                result = await ReadAsync(response, cancellationToken).ConfigureAwait(false);
            }
            catch (HttpRequestException ex) when (ex.HttpRequestError is HttpRequestError.ConnectionError or HttpRequestError.NameResolutionError && attempt < Attempts)
            {
                await Task.Delay(Backoff(attempt), _time, cancellationToken).ConfigureAwait(false);
                continue;
            }
            if (result.ErrorCode == 0) return;
            if (TokenErrors.Contains(result.ErrorCode) && !refreshed)
            {
                Tokens.Invalidate(token);
                refreshed = true;
                continue;
            }
            if (result.ErrorCode == SystemBusy && attempt < Attempts)
            {
                await Task.Delay(Backoff(attempt), _time, cancellationToken).ConfigureAwait(false);
                continue;
            }
            throw new WeChatApiException(result.ErrorCode, $"{path}: errcode {result.ErrorCode.ToString(CultureInfo.InvariantCulture)} {result.ErrorMessage}");
        }
    }

    private static TimeSpan Backoff(int attempt) => TimeSpan.FromMilliseconds(300 * Math.Pow(2, attempt - 1));

    protected static async Task<ApiResult> ReadAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        if (!response.IsSuccessStatusCode)
            throw new WeChatApiException(-(int)response.StatusCode, $"{response.RequestMessage?.RequestUri?.AbsolutePath}: HTTP {(int)response.StatusCode}");
        try
        {
            return await response.Content.ReadFromJsonAsync<ApiResult>(cancellationToken).ConfigureAwait(false)
                ?? throw new WeChatApiException(-2, "empty API response");
        }
        catch (JsonException ex)
        {
            throw new WeChatApiException(-2, "API response is not JSON: " + ex.Message);
        }
    }

    protected static AccessToken ToToken(ApiResult result, string what)
    {
        if (result.ErrorCode != 0 || string.IsNullOrEmpty(result.AccessToken))
            throw new WeChatApiException(result.ErrorCode, $"{what}: errcode {result.ErrorCode.ToString(CultureInfo.InvariantCulture)} {result.ErrorMessage}");
        return new AccessToken(result.AccessToken, TimeSpan.FromSeconds(result.ExpiresIn is > 0 ? result.ExpiresIn.Value : 7200));
    }

    /// <summary>The common shape of WeChat API responses.</summary>
    protected sealed record ApiResult(
        [property: JsonPropertyName("errcode")] int ErrorCode,
        [property: JsonPropertyName("errmsg")] string? ErrorMessage,
        [property: JsonPropertyName("access_token")] string? AccessToken,
        [property: JsonPropertyName("expires_in")] int? ExpiresIn);
}

/// <summary>
/// Official Account API: the stable access_token (<c>POST /cgi-bin/stable_token</c>, shared by every instance
/// without invalidating each other's tokens) and customer-service messages (<c>/cgi-bin/message/custom/send</c>).
/// </summary>
public sealed class OfficialAccountApiClient(HttpClient http, string appId, string appSecret, TimeProvider time) : WeChatApiClient(http, time)
{
    protected override async Task<AccessToken> FetchTokenAsync(CancellationToken cancellationToken)
    {
        using var response = await Http.PostAsJsonAsync("/cgi-bin/stable_token",
            new { grant_type = "client_credential", appid = appId, secret = appSecret, force_refresh = false }, cancellationToken).ConfigureAwait(false);
        return ToToken(await ReadAsync(response, cancellationToken).ConfigureAwait(false), "stable_token");
    }

    protected override (string Path, object Body) TextMessage(string toUser, string content) =>
        ("/cgi-bin/message/custom/send", new { touser = toUser, msgtype = "text", text = new { content } });
}

/// <summary>WeCom self-built app API: <c>GET /cgi-bin/gettoken</c> and app messages (<c>/cgi-bin/message/send</c>).</summary>
public sealed class WeComApiClient(HttpClient http, string corpId, string secret, int agentId, TimeProvider time) : WeChatApiClient(http, time)
{
    protected override async Task<AccessToken> FetchTokenAsync(CancellationToken cancellationToken)
    {
        using var response = await Http.GetAsync($"/cgi-bin/gettoken?corpid={Uri.EscapeDataString(corpId)}&corpsecret={Uri.EscapeDataString(secret)}", cancellationToken).ConfigureAwait(false);
        return ToToken(await ReadAsync(response, cancellationToken).ConfigureAwait(false), "gettoken");
    }

    protected override (string Path, object Body) TextMessage(string toUser, string content) =>
        ("/cgi-bin/message/send", new { touser = toUser, msgtype = "text", agentid = agentId, text = new { content }, safe = 0 });
}
