using System.Buffers;
using System.Text;
using LegalBot.Channels.WeChat;

namespace LegalBot.Service.Endpoints;

/// <summary>
/// <c>/api/wechat</c> (Official Account) and <c>/api/wecom</c> (WeCom app): GET is the platform's URL check,
/// POST a message or event. Mapped only when the channel's Token is configured.
/// </summary>
public static class WeChatEndpoints
{
    public const string OfficialAccount = "wechat";
    public const string WeCom = "wecom";

    public static void MapWeChat(this IEndpointRouteBuilder app, string channel)
    {
        var path = "/api/" + channel;
        // Built now, so a configuration problem shows at start-up rather than on WeChat's first call.
        var processor = app.ServiceProvider.GetRequiredKeyedService<WeChatCallbackProcessor>(channel);
        app.MapGet(path, (HttpRequest request) => Write(processor.VerifyUrl(Query(request))));
        app.MapPost(path, async (HttpRequest request, CancellationToken ct) =>
        {
            var body = await ReadBodyAsync(request, ct);
            if (body is null) return Write(WeChatResponse.Reject(413, $"body larger than {WeChatXml.MaxBodyBytes} bytes"));
            return Write(await processor.HandleAsync(Query(request), body, ct));
        });
    }

    private static WeChatQuery Query(HttpRequest request) => new(
        request.Query["signature"], request.Query["msg_signature"], request.Query["timestamp"], request.Query["nonce"], request.Query["echostr"]);

    private static IResult Write(WeChatResponse response) => Results.Text(response.Body, response.ContentType, Encoding.UTF8, response.StatusCode);

    /// <summary>The body as UTF-8 text, or null when it exceeds the size limit (read no further than that).</summary>
    private static async Task<string?> ReadBodyAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        if (request.ContentLength > WeChatXml.MaxBodyBytes) return null;
        var buffer = ArrayPool<byte>.Shared.Rent(WeChatXml.MaxBodyBytes + 1);
        try
        {
            var total = 0;
            int read;
            while (total <= WeChatXml.MaxBodyBytes && (read = await request.Body.ReadAsync(buffer.AsMemory(total, WeChatXml.MaxBodyBytes + 1 - total), cancellationToken)) > 0)
                total += read;
            return total > WeChatXml.MaxBodyBytes ? null : Encoding.UTF8.GetString(buffer, 0, total);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
