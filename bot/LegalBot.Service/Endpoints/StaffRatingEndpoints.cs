using LegalBot.Cases;
using LegalBot.Cases.Audit;
using LegalBot.Cases.Ratings;
using LegalBot.Cases.Statistics;

namespace LegalBot.Service.Endpoints;

/// <summary>
/// 差评回访: <c>GET /api/staff/ratings</c> lists the 不满意 / 非常不满意 ratings of the key's office (all for
/// <c>*</c>; <c>?all=true</c> lists every rating), <c>POST /api/staff/ratings/{reference}/follow-up</c> saves the
/// office's follow-up (status pending / visited / rectified and a note), recorded in the audit log.
/// </summary>
public static class StaffRatingEndpoints
{
    private const int MaxNote = 1000;

    /// <summary>A follow-up: status (pending 待回访, visited 已回访, rectified 已整改) and a note.</summary>
    public sealed record FollowUpRequest(string? Status, string? Note);

    public static void MapStaffRatings(this RouteGroupBuilder casework)
    {
        casework.MapGet("/ratings", async (HttpContext http, IRatingStore ratings, bool? all, int? limit, CancellationToken ct) =>
        {
            var p = StaffEndpoints.Principal(http);
            var list = await ratings.ListRatedAsync(new RatingQuery(p.SeesAllOffices ? null : p.Office, DissatisfiedOnly: all != true,
                Limit: Math.Clamp(limit ?? 200, 1, 1000)), ct);
            return Results.Json(list.Select(View));
        });
        casework.MapPost("/ratings/{reference}/follow-up", async (HttpContext http, IRatingStore ratings, IStaffAudit audit, TimeProvider time,
            string reference, FollowUpRequest request, CancellationToken ct) =>
        {
            if (!RatingNames.TryParseFollowUp(request.Status?.Trim(), out var status)) return StaffEndpoints.Error(StaffRatingTexts.UnknownFollowUp(request.Status), 400);
            if (request.Note is { Length: > MaxNote }) return StaffEndpoints.Error(StaffTexts.NoteTooLong(MaxNote), 400);
            var p = StaffEndpoints.Principal(http);
            // Another office's rating is simply not found, like its case.
            if (await ratings.GetAsync(reference, ct) is not { } rating || !p.CanSee(rating.OfficeId)) return StaffEndpoints.Error(StaffRatingTexts.RatingNotFound(reference), 404);
            if (!rating.Dissatisfied) return StaffEndpoints.Error(StaffRatingTexts.NotDissatisfied(reference), 409);
            var note = string.IsNullOrWhiteSpace(request.Note) ? null : request.Note.Trim();
            var saved = await ratings.FollowUpAsync(rating.Reference, status, note, p.Worker, time.GetUtcNow(), ct);
            await audit.RecordAsync(p, AuditActions.RatingFollowUp, rating.Reference, status.ToWire(), ct);
            return Results.Json(View(saved));
        });
    }

    /// <summary>A rating as the desk shows it (case view and 差评回访). The conversation id never leaves the server.</summary>
    public static object View(CaseRating r) => new
    {
        reference = r.Reference,
        kind = r.Kind.ToWire(),
        officeId = r.OfficeId,
        officeName = r.OfficeName,
        channel = r.Channel,
        requestedAt = r.RequestedAt,
        level = r.Level?.ToWire(),
        levelName = r.Level is { } l ? StaffStatsTexts.Level(l.ToWire()) : null,
        ratedAt = r.RatedAt,
        comment = r.Comment,
        dissatisfied = r.Dissatisfied,
        followUp = r.FollowUp?.ToWire(),
        followUpName = r.FollowUp is { } f ? StaffRatingTexts.FollowUp(f) : null,
        followUpNote = r.FollowUpNote,
        followUpBy = r.FollowUpBy,
        followUpAt = r.FollowUpAt,
    };
}
