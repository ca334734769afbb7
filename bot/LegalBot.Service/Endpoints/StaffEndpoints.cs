using System.Net;
using System.Security.Cryptography;
using System.Text;
using LegalBot.Conversation.State;
using LegalBot.Service.Hosting;
using Microsoft.Extensions.Options;

namespace LegalBot.Service.Endpoints;

/// <summary>Staff views: knowledge folder status (problems by file and line), unanswered questions, feedback.</summary>
public static class StaffEndpoints
{
    public static void MapStaff(this IEndpointRouteBuilder app)
    {
        var staff = app.MapGroup("/api/staff").AddEndpointFilter(async (context, next) =>
        {
            var options = context.HttpContext.RequestServices.GetRequiredService<IOptions<StaffOptions>>().Value;
            return Allowed(context.HttpContext, options) ? await next(context) : Results.Json(new { error = "staff API key required (X-Api-Key)" }, statusCode: 401);
        });
        staff.MapGet("/knowledge", (KnowledgeHost host) => Results.Json(host.Status));
        staff.MapGet("/unanswered", async (IConversationStore store, int? limit, CancellationToken ct) =>
            Results.Json(await store.ListUnansweredAsync(Math.Clamp(limit ?? 100, 1, 1000), ct)));
        staff.MapGet("/feedback", async (IConversationStore store, int? limit, CancellationToken ct) =>
            Results.Json(await store.ListFeedbackAsync(Math.Clamp(limit ?? 100, 1, 1000), ct)));
    }

    private static bool Allowed(HttpContext http, StaffOptions options)
    {
        if (string.IsNullOrEmpty(options.ApiKey))
            return http.Connection.RemoteIpAddress is { } ip && IPAddress.IsLoopback(ip);
        var given = http.Request.Headers["X-Api-Key"].ToString();
        return CryptographicOperations.FixedTimeEquals(SHA256.HashData(Encoding.UTF8.GetBytes(given)), SHA256.HashData(Encoding.UTF8.GetBytes(options.ApiKey)));
    }
}
