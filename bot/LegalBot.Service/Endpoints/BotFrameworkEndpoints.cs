using LegalBot.Channels.BotFramework;

namespace LegalBot.Service.Endpoints;

/// <summary>The channel JWT check, present only when a Microsoft App ID is configured.</summary>
public sealed record BotAuthentication(ChannelAuthenticator? Authenticator);

/// <summary><c>POST /api/messages</c>: the Bot Framework channel endpoint.</summary>
public static partial class BotFrameworkEndpoints
{
    public static void MapBotFramework(this IEndpointRouteBuilder app)
    {
        app.MapPost("/api/messages", async (HttpRequest request, BotMessageProcessor processor, ConnectorClient connector,
            BotAuthentication botAuth, ILoggerFactory loggers, CancellationToken ct) =>
        {
            var log = loggers.CreateLogger("LegalBot.BotFramework");
            using var buffer = new MemoryStream();
            await request.Body.CopyToAsync(buffer, ct);
            var (activity, error) = BotMessageProcessor.Parse(buffer.GetBuffer().AsSpan(0, (int)buffer.Length));
            if (activity is null) return Results.BadRequest(new { error });

            if (botAuth.Authenticator is { } auth)
            {
                var authResult = await auth.AuthenticateAsync(request.Headers.Authorization.ToString(), activity, ct);
                if (!authResult.Ok)
                {
                    LogUnauthorized(log, authResult.Error ?? "");
                    return Results.Json(new { error = "unauthorized" }, statusCode: 401);
                }
            }

            var result = await processor.ProcessAsync(activity, ct);
            if (result.DeliverToConnector)
            {
                try
                {
                    foreach (var reply in result.Replies) await connector.ReplyAsync(reply, ct);
                }
                catch (Exception ex) when (ex is HttpRequestException or InvalidOperationException or TaskCanceledException)
                {
                    LogConnectorFailed(log, activity.ServiceUrl ?? "", ex.Message);
                    return Results.Json(new { error = "could not deliver the reply to the channel" }, statusCode: 502);
                }
            }
            return result.Body is null ? Results.StatusCode(result.StatusCode) : Results.Json(result.Body, ActivityJson.Options, statusCode: result.StatusCode);
        });
    }

    [LoggerMessage(LogLevel.Warning, "rejected /api/messages: {Reason}")]
    private static partial void LogUnauthorized(ILogger logger, string reason);

    [LoggerMessage(LogLevel.Error, "connector {ServiceUrl} failed: {Message}")]
    private static partial void LogConnectorFailed(ILogger logger, string serviceUrl, string message);
}
