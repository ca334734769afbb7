using LegalBot.Channels;
using LegalBot.Channels.BotFramework;
using LegalBot.Service.Hosting;

namespace LegalBot.Service.Endpoints;

/// <summary>How /api/messages authenticates: channel JWTs (an App ID is set), explicit anonymous Emulator mode, or closed.</summary>
public sealed record BotAuthentication(ChannelAuthenticator? Authenticator, bool AllowAnonymous, ServiceUrlPolicy ServiceUrls);

/// <summary><c>POST /api/messages</c>: the Bot Framework channel endpoint.</summary>
public static partial class BotFrameworkEndpoints
{
    public static void MapBotFramework(this IEndpointRouteBuilder app)
    {
        app.MapPost("/api/messages", async (HttpContext http, BotMessageProcessor processor, ReplyDelivery delivery,
            BotAuthentication botAuth, ILoggerFactory loggers, CancellationToken ct) =>
        {
            var request = http.Request;
            var log = loggers.CreateLogger("LegalBot.BotFramework");
            using var buffer = new MemoryStream();
            await request.Body.CopyToAsync(buffer, ct);
            var (activity, error) = BotMessageProcessor.Parse(buffer.GetBuffer().AsSpan(0, (int)buffer.Length));
            if (activity is null) return Results.BadRequest(new { error });

            ChannelIdentity identity;
            var anonymous = botAuth.Authenticator is null;
            if (botAuth.Authenticator is { } auth)
            {
                var authResult = await auth.AuthenticateAsync(request.Headers.Authorization.ToString(), activity, ct);
                if (!authResult.Ok) return Unauthorized(log, authResult.Error ?? "");
                identity = new ChannelIdentity("bf." + (activity.ChannelId ?? "unknown"), activity.Conversation!.Id!, activity.From?.Id ?? "anonymous");
            }
            else if (botAuth.AllowAnonymous)
            {
                // The Emulator on this machine: never through a proxy, never replying anywhere but loopback.
                if (!ClientAddress.IsDirectLoopback(http)) return Unauthorized(log, "anonymous mode accepts loopback callers only");
                identity = new ChannelIdentity("emulator", activity.Conversation!.Id!, activity.From?.Id ?? "anonymous");
            }
            else
            {
                return Unauthorized(log, "no Bot:MicrosoftAppId configured and anonymous mode is off");
            }

            // Any serviceUrl given must be one replies may go to, checked before the engine runs.
            if (!string.IsNullOrEmpty(activity.ServiceUrl) && botAuth.ServiceUrls.Check(activity.ServiceUrl, anonymous) is { } urlProblem)
                return Unauthorized(log, urlProblem);
            var result = await processor.ProcessAsync(activity, identity, ct);
            if (result.DeliverToConnector)
            {
                if (string.IsNullOrEmpty(activity.ServiceUrl)) return Results.BadRequest(new { error = "serviceUrl is required unless deliveryMode is expectReplies" });
                // A channel that cannot take the replies now gets them later from the outbox (ReplyDispatcher): answered late, never lost.
                // Ordered per conversation and connector: a dead serviceUrl's backlog does not hold up replies that go elsewhere.
                var (outcome, problem) = await delivery.DeliverAsync(identity.ConversationKey + " " + activity.ServiceUrl, result.Replies, ct);
                if (outcome == DeliveryOutcome.Queued && problem is not null) LogConnectorQueued(log, activity.ServiceUrl, problem);
                if (outcome == DeliveryOutcome.Refused)
                {
                    LogConnectorFailed(log, activity.ServiceUrl, problem ?? "");
                    return Results.Json(new { error = "the channel refused the reply" }, statusCode: 502);
                }
            }
            return result.Body is null ? Results.StatusCode(result.StatusCode) : Results.Json(result.Body, ActivityJson.Options, statusCode: result.StatusCode);
        });
    }

    private static IResult Unauthorized(ILogger log, string reason)
    {
        LogUnauthorized(log, reason);
        return Results.Json(new { error = "unauthorized" }, statusCode: 401);
    }

    [LoggerMessage(LogLevel.Warning, "rejected /api/messages: {Reason}")]
    private static partial void LogUnauthorized(ILogger logger, string reason);

    [LoggerMessage(LogLevel.Warning, "connector {ServiceUrl} did not take the reply, queued for retry: {Message}")]
    private static partial void LogConnectorQueued(ILogger logger, string serviceUrl, string message);

    [LoggerMessage(LogLevel.Error, "connector {ServiceUrl} refused the reply: {Message}")]
    private static partial void LogConnectorFailed(ILogger logger, string serviceUrl, string message);
}
