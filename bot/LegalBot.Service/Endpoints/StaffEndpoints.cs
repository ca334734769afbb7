using System.Text;
using LegalBot.Cases.Storage;
using LegalBot.Conversation.State;
using LegalBot.Service.Hosting;
using Microsoft.Extensions.Options;

namespace LegalBot.Service.Endpoints;

/// <summary>
/// The staff API under <c>/api/staff</c>: two route groups with one authorisation filter, and one file per desk
/// page mapping its endpoints onto them (cases here in <see cref="StaffCaseEndpoints"/>). Errors are Chinese
/// (<see cref="StaffTexts"/>), because the desk shows them as they come.
/// </summary>
public static class StaffEndpoints
{
    private const string PrincipalItem = "staff-principal";

    public static void MapStaff(this IEndpointRouteBuilder app)
    {
        // Logs and folder status: any staff key, or (Development only) a direct local request while no keys are configured.
        var staff = app.MapGroup("/api/staff").AddEndpointFilter((context, next) => Authorize(context, next, allowLocal: true));
        // Personal data, or anything a worker does in the desk: a key, always.
        var casework = app.MapGroup("/api/staff").AddEndpointFilter((context, next) => Authorize(context, next, allowLocal: false));

        // Conversation ids never leave the server: staff see an opaque tag that groups one conversation's entries.
        staff.MapGet("/unanswered", async (IConversationStore store, int? limit, CancellationToken ct) =>
            Results.Json((await store.ListUnansweredAsync(Math.Clamp(limit ?? 100, 1, 1000), ct)).Select(q => new
            {
                conversation = ConversationTag(q.ConversationId), channel = q.Channel, question = q.Question, bestScore = q.BestScore,
                bestSource = q.BestSource, createdAt = q.CreatedAt,
            })));
        staff.MapGet("/feedback", async (IConversationStore store, int? limit, CancellationToken ct) =>
            Results.Json((await store.ListFeedbackAsync(Math.Clamp(limit ?? 100, 1, 1000), ct)).Select(f => new
            {
                answerId = f.AnswerId, conversation = ConversationTag(f.ConversationId), helpful = f.Helpful, question = f.Question,
                sources = f.Sources, createdAt = f.CreatedAt,
            })));
        casework.MapGet("/me", (HttpContext http, KnowledgeHost host) =>
        {
            var p = Principal(http);
            return Results.Json(new
            {
                office = p.Office, worker = p.Worker, allOffices = p.SeesAllOffices,
                officeName = p.SeesAllOffices ? StaffTexts.AllOffices : host.Offices.Get(p.Office)?.Name ?? p.Office,
            });
        });
        staff.MapStaffPublicity();
        casework.MapStaffCases();
        casework.MapStaffAudit();
        casework.MapStaffStats();
        staff.MapStaffKnowledge(casework);
        casework.MapStaffQuestions();
        casework.MapStaffRatings();
        casework.MapStaffMatters();
    }

    /// <summary>The worker the request's key belongs to (set by the group filter).</summary>
    public static StaffPrincipal Principal(HttpContext http) => (StaffPrincipal)http.Items[PrincipalItem]!;

    /// <summary>A desk error: <c>{"error": "…"}</c> with the status code.</summary>
    public static IResult Error(string message, int statusCode) => Results.Json(new { error = message }, statusCode: statusCode);

    /// <summary>A short stable tag for a conversation (SHA-256 prefix): groups entries without revealing the id.</summary>
    public static string ConversationTag(string conversationId) =>
        Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(Encoding.UTF8.GetBytes(conversationId)).AsSpan(0, 6));

    private static async ValueTask<object?> Authorize(EndpointFilterInvocationContext context, EndpointFilterDelegate next, bool allowLocal)
    {
        var http = context.HttpContext;
        var options = http.RequestServices.GetRequiredService<IOptions<StaffOptions>>().Value;
        if (StaffAuth.Authenticate(http, options) is { } principal) http.Items[PrincipalItem] = principal;
        else if (!allowLocal || !StaffAuth.IsLocalWithoutKeys(http, options))
            return Error(StaffTexts.KeyRequired, 401);
        try
        {
            return await next(context);
        }
        catch (CaseStoreUnavailableException)
        {
            return Error(StaffTexts.StoreUnavailable, 503);
        }
    }
}
