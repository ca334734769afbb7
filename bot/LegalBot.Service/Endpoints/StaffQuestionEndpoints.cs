using LegalBot.Conversation.Questions;
using LegalBot.Conversation.State;
using LegalBot.Knowledge.Documents;
using LegalBot.Knowledge.Editing;
using LegalBot.Knowledge.Index;
using LegalBot.Knowledge.Search;
using LegalBot.Service.Hosting;

namespace LegalBot.Service.Endpoints;

/// <summary>
/// 群众提问: what citizens asked that the bot could not answer, had to ask back about, or that got 没帮助 — masked,
/// grouped by similarity, newest first — and the one-click fix: attach the question to a matter, guide section or
/// statute article, written into its knowledge file and re-indexed at once.
/// </summary>
public static partial class StaffQuestionEndpoints
{
    private const int LogDepth = 500;
    private const int MembersShown = 20;
    private const int Targets = 8;
    private static readonly SearchFilter Attachable = new(Kinds: new HashSet<DocumentKind>
        { DocumentKind.Matter, DocumentKind.Guide, DocumentKind.Handbook, DocumentKind.Regulation });

    public static void MapStaffQuestions(this RouteGroupBuilder casework)
    {
        casework.MapGet("/questions", ListAsync);
        casework.MapGet("/questions/targets", TargetsAsync);
        casework.MapPost("/questions/attach", AttachAsync);
    }

    /// <summary>The attach request: the question as the desk shows it (masked again here) and the target's id.</summary>
    public sealed record AttachRequest(string? Question, string? DocumentId);

    private static async Task<IResult> ListAsync(IConversationStore store, int? limit, CancellationToken ct)
    {
        var unanswered = await store.ListUnansweredAsync(LogDepth, ct);
        var feedback = await store.ListFeedbackAsync(LogDepth, ct);
        var asked = unanswered.Select(AskedQuestion.From).Concat(feedback.Where(f => !f.Helpful).Select(AskedQuestion.From))
            .Select(q => q with { Question = QuestionMasking.Mask(q.Question) });
        var groups = QuestionGrouper.Group(asked).Take(Math.Clamp(limit ?? 200, 1, 1000));
        return Results.Json(groups.Select(g => new
        {
            question = g.Question, count = g.Count, latest = g.Latest, kinds = g.Kinds.Select(KindName), bestSource = g.BestSource,
            members = g.Members.Take(MembersShown).Select(m => new { question = m.Question, kind = KindName(m.Kind), at = m.At }),
        }));
    }

    private static async Task<IResult> TargetsAsync(KnowledgeHost host, string? q, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(q)) return StaffEndpoints.Error(StaffQuestionTexts.SearchRequired, 400);
        var result = await host.Retriever.SearchAsync(QuestionMasking.Mask(q.Trim()), new RetrievalOptions(Targets, Attachable), ct);
        return Results.Json(result.Hits.Select(h => new
        {
            documentId = h.Document.Kind == DocumentKind.Matter ? h.Document.Id : h.Chunk.Id,
            title = h.Document.Title,
            location = h.Chunk.ArticleLabel ?? string.Join(" › ", h.Chunk.HeadingPath),
            kind = h.Document.Kind.ToString().ToLowerInvariant(),
            variants = h.Chunk.QuestionVariants.Count,
        }));
    }

    private static async Task<IResult> AttachAsync(HttpContext http, KnowledgeHost host, AttachRequest request, ILoggerFactory logs, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(request.Question)) return StaffEndpoints.Error(StaffQuestionTexts.QuestionRequired, 400);
        if (string.IsNullOrWhiteSpace(request.DocumentId)) return StaffEndpoints.Error(StaffQuestionTexts.DocumentRequired, 400);
        var targetId = request.DocumentId.Trim();
        // Personal data never goes into the knowledge folder, whatever the desk sent.
        var question = QuestionMasking.Mask(request.Question.Trim());
        var documents = await host.View.Index.GetDocumentsAsync(ct);
        var document = documents.FirstOrDefault(d => d.Id == QuestionVariantEditor.DocumentIdOf(targetId));
        if (document is null || document.Kind is DocumentKind.Office) return StaffEndpoints.Error(StaffQuestionTexts.UnknownDocument(targetId), 404);

        AttachResult result;
        try
        {
            result = await new KnowledgeFileEditor(host.Folder, host.Limits).AttachQuestionAsync(document.SourcePath, targetId, question, ct);
        }
        catch (KnowledgeEditConflictException)
        {
            return StaffEndpoints.Error(StaffQuestionTexts.ChangedMeanwhile, 409);
        }
        switch (result.Status)
        {
            case AttachStatus.Added:
                await host.RefreshNowAsync(ct);
                await RecordEditAsync(logs, http, document.SourcePath, result.ChunkId!, ct);
                return Results.Json(new { status = "added", documentId = result.ChunkId, title = result.Title, question, message = StaffQuestionTexts.Added(result.Title!) });
            case AttachStatus.Duplicate:
                return Results.Json(new { status = "duplicate", documentId = result.ChunkId, title = result.Title, question, message = StaffQuestionTexts.Duplicate(result.Title!) });
            case AttachStatus.UnknownTarget:
                return StaffEndpoints.Error(targetId == document.Id ? StaffQuestionTexts.ChooseSection(document.Title) : StaffQuestionTexts.UnknownDocument(targetId), 404);
            default:
                return StaffEndpoints.Error(StaffQuestionTexts.Refused(result.Problem ?? "?"), 422);
        }
    }

    /// <summary>
    /// Every knowledge-file edit from the desk passes here: who, what file, what. Logged today; the audit log
    /// (issue #16 part 5) is wired in at this one call site when it lands.
    /// </summary>
    /// <summary>The one place a desk edit of the knowledge folder is recorded: the audit log (who, when, what) and the staff log.</summary>
    internal static async Task RecordEditAsync(ILoggerFactory logs, HttpContext http, string path, string target, CancellationToken ct)
    {
        var p = StaffEndpoints.Principal(http);
        await http.RequestServices.GetRequiredService<IStaffAudit>().RecordAsync(p, LegalBot.Cases.Audit.AuditActions.KnowledgeAttach, path, target, ct);
        LogEdit(logs.CreateLogger("LegalBot.Staff.KnowledgeEdits"), p.Worker, p.Office, "attach-question", path, target);
    }

    private static string KindName(AskedKind kind) => kind switch
    {
        AskedKind.Clarified => "clarified",
        AskedKind.NotHelpful => "not-helpful",
        _ => "unanswered",
    };

    [LoggerMessage(LogLevel.Information, "knowledge edit by {Worker} ({Office}): {Action} {Path} {Detail}")]
    private static partial void LogEdit(ILogger logger, string worker, string office, string action, string path, string detail);
}
