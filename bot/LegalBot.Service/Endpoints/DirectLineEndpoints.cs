using System.Text.Json;
using LegalBot.Channels.BotFramework;
using LegalBot.Channels.DirectLine;
using LegalBot.Service.Hosting;

namespace LegalBot.Service.Endpoints;

/// <summary>
/// HTTP binding of the Direct Line 3.0–compatible API under <c>/v3/directline</c>: polling and the WebSocket stream
/// (<see cref="DirectLineStreamEndpoint"/>). Minting tokens and starting conversations are rate-limited per client
/// address (<see cref="RateLimitPolicies.ConversationStart"/>); pages on <c>WebChat__AllowedOrigins</c> may call it (CORS).
/// </summary>
public static class DirectLineEndpoints
{
    /// <summary>The CORS policy of the Direct Line and token endpoints (origins from <see cref="WebChatOptions"/>).</summary>
    public const string EmbedPolicy = "webchat-embed";

    public static void MapDirectLine(this IEndpointRouteBuilder app)
    {
        var dl = app.MapGroup("/v3/directline").RequireCors(EmbedPolicy);
        dl.MapPost("/tokens/refresh", (HttpRequest r, DirectLineService s) => Run(() => Results.Json(s.Refresh(Bearer(r)), ActivityJson.Options)))
            .RequireRateLimiting(RateLimitPolicies.ConversationStart);
        dl.MapPost("/conversations", (HttpRequest r, DirectLineService s) =>
                Run(() => Results.Json(WithStream(r, s.OpenConversation(Bearer(r)), null), ActivityJson.Options, statusCode: 201)))
            .RequireRateLimiting(RateLimitPolicies.ConversationStart);
        dl.MapGet("/conversations/{id}", (string id, string? watermark, HttpRequest r, DirectLineService s) =>
            Run(() => Results.Json(WithStream(r, s.Reconnect(Bearer(r), id), watermark), ActivityJson.Options)));
        dl.MapGet("/conversations/{id}/activities", async (string id, string? watermark, HttpRequest r, DirectLineService s, CancellationToken ct) =>
        {
            try { return Results.Json(await s.GetActivitiesAsync(Bearer(r), id, watermark, ct), ActivityJson.Options); }
            catch (DirectLineException ex) { return Results.Json(ex.ToBody(), statusCode: ex.StatusCode); }
        });
        dl.MapGet("/conversations/{id}/stream", DirectLineStreamEndpoint.HandleAsync);
        dl.MapPost("/conversations/{id}/activities", async (string id, HttpRequest r, DirectLineService s, CancellationToken ct) =>
        {
            try
            {
                var (activity, size) = await ReadActivityAsync(r, ct);
                var activityId = await s.PostActivityAsync(Bearer(r), id, activity, size, ClientAddress.Of(r.HttpContext), ct);
                return Results.Json(new ResourceResponse { Id = activityId }, ActivityJson.Options);
            }
            catch (DirectLineException ex)
            {
                return Results.Json(ex.ToBody(), statusCode: ex.StatusCode);
            }
        });
        dl.MapPost("/conversations/{id}/upload", () =>
            Results.Json(new DirectLineException(400, "BadArgument", "attachments are not supported; please type your question").ToBody(), statusCode: 400));
        dl.MapPost("/tokens/generate", () =>
            Results.Json(new DirectLineException(403, "BadArgument", "use POST /api/webchat/token to start a web chat conversation").ToBody(), statusCode: 403));

        // The page's own way to get a conversation: a token scoped to a brand-new conversation.
        app.MapPost("/api/webchat/token", (HttpRequest r, DirectLineService s) => Results.Json(WithStream(r, s.StartConversation(), null), ActivityJson.Options))
            .RequireRateLimiting(RateLimitPolicies.ConversationStart).RequireCors(EmbedPolicy);
    }

    /// <summary>
    /// The conversation's WebSocket address on this server, as the client reached it (wss behind an https proxy that
    /// forwards the scheme). The token travels in the query, as in the official service: browsers cannot set headers on a socket.
    /// </summary>
    private static DirectLineConversation WithStream(HttpRequest r, DirectLineConversation conversation, string? watermark)
    {
        var scheme = r.IsHttps ? "wss" : "ws";
        var query = QueryString.Create([new("t", conversation.Token), .. watermark is { Length: > 0 } ? [new KeyValuePair<string, string?>("watermark", watermark)] : Array.Empty<KeyValuePair<string, string?>>()]);
        return conversation with
        {
            StreamUrl = $"{scheme}://{r.Host.ToUriComponent()}{r.PathBase.ToUriComponent()}/v3/directline/conversations/{Uri.EscapeDataString(conversation.ConversationId)}/stream{query.ToUriComponent()}",
        };
    }

    private static IResult Run(Func<IResult> action)
    {
        try { return action(); }
        catch (DirectLineException ex) { return Results.Json(ex.ToBody(), statusCode: ex.StatusCode); }
    }

    internal static string? Bearer(HttpRequest r)
    {
        var header = r.Headers.Authorization.ToString();
        return header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) ? header["Bearer ".Length..].Trim() : null;
    }

    private static async Task<(Activity Activity, int Size)> ReadActivityAsync(HttpRequest r, CancellationToken ct)
    {
        using var buffer = new MemoryStream();
        await r.Body.CopyToAsync(buffer, ct);
        if (buffer.Length > BotMessageProcessor.MaxBodyBytes) throw new DirectLineException(413, "BadArgument", "activity too large");
        try
        {
            var activity = JsonSerializer.Deserialize<Activity>(buffer.GetBuffer().AsSpan(0, (int)buffer.Length), ActivityJson.Options)
                ?? throw new DirectLineException(400, "BadArgument", "expected an activity");
            return (activity, (int)buffer.Length);
        }
        catch (JsonException)
        {
            throw new DirectLineException(400, "BadArgument", "malformed JSON");
        }
    }
}
