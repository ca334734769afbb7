using System.Text;
using System.Text.Json;
using LegalBot.Conversation.Questions;
using LegalBot.Conversation.Routing;
using LegalBot.Knowledge.Documents;
using LegalBot.Knowledge.Editing;
using LegalBot.Knowledge.Import;
using LegalBot.Knowledge.Index;
using LegalBot.Knowledge.Search;
using LegalBot.Knowledge.Text;
using LegalBot.Service.Hosting;

namespace LegalBot.Service.Endpoints;

/// <summary>
/// 新建事项 and 编辑事项: a matter drafted from a citizen's question (route, domain folder and suggested articles from
/// the index), checked with the folder's rules while staff edit it, and saved into <c>matters/</c> — re-indexed at once
/// and recorded in the audit log. Drafting and checking live in Knowledge/Editing; this file is HTTP only.
/// </summary>
public static partial class StaffMatterEndpoints
{
    private const int Suggestions = 3;
    private static readonly SearchFilter MattersOnly = new(Kinds: new HashSet<DocumentKind> { DocumentKind.Matter });
    private static readonly SearchFilter StatutesOnly = new(Kinds: new HashSet<DocumentKind> { DocumentKind.Regulation });

    public static void MapStaffMatters(this RouteGroupBuilder casework)
    {
        casework.MapPost("/matters/draft", DraftAsync);
        casework.MapPost("/matters/preview", PreviewAsync);
        casework.MapPost("/matters", SaveAsync);
        casework.MapGet("/matters/{id}", GetAsync);
    }

    public sealed record DraftRequest(string? Question);

    public sealed record SaveRequest(string? Path, string? Markdown);

    /// <summary>Either the editor's fields (composed here) or Markdown edited by hand.</summary>
    public sealed record PreviewRequest(string? Path, MatterFields? Fields, string? Markdown);

    private static async Task<IResult> DraftAsync(HttpContext http, KnowledgeHost host, CancellationToken ct)
    {
        if (await ReadAsync<DraftRequest>(http, ct) is not { } request) return StaffEndpoints.Error(StaffMatterTexts.BadDraftBody, 400);
        if (string.IsNullOrWhiteSpace(request.Question)) return StaffEndpoints.Error(StaffMatterTexts.QuestionRequired, 400);
        // Personal data never goes into the knowledge folder, whatever the desk sent.
        var question = QuestionMasking.Mask(request.Question.Trim());
        await host.Ready.WaitAsync(ct);
        var matters = await host.Retriever.SearchAsync(question, new RetrievalOptions(1, MattersOnly), ct);
        var statutes = await host.Retriever.SearchAsync(question, new RetrievalOptions(Suggestions, StatutesOnly), ct);
        var best = matters.Hits.Count > 0 ? matters.Hits[0] : null;
        var route = RouteClassifier.FromText(TextNormalizer.Normalize(question))?.Route ?? RouteClassifier.FromRetrieval(best?.Document, best is not null).Route;
        var suggested = statutes.Hits.Where(h => h.Chunk.ArticleLabel is not null)
            .Select(h => MatterDraftBuilder.Suggest(h.Document.ShortTitle, h.Chunk.ArticleLabel!, h.Chunk.Text))
            .DistinctBy(s => (s.Law, s.Article)).ToList();
        var draft = MatterDraftBuilder.Draft(question, route, best?.Document.SourcePath, suggested, await TakenAsync(host, ct));
        var check = await CheckAsync(host, draft.Path, draft.Markdown, ct);
        return Results.Json(new
        {
            path = draft.Path,
            domain = draft.Domain,
            fields = draft.Fields,
            suggested = draft.Suggested,
            markdown = draft.Markdown,
            basedOn = best is null ? null : new { id = best.Document.Id, title = best.Document.Title },
            canSave = check.CanSave,
            problems = check.Problems.Select(StaffKnowledgeEndpoints.Problem.From),
        });
    }

    private static async Task<IResult> PreviewAsync(HttpContext http, KnowledgeHost host, CancellationToken ct)
    {
        if (await ReadAsync<PreviewRequest>(http, ct) is not { Path: { } path } request || (request.Fields is null && request.Markdown is null))
            return StaffEndpoints.Error(StaffMatterTexts.BadPreviewBody, 400);
        var markdown = request.Fields is { } fields ? MatterDraftBuilder.Compose(Clean(fields)) : request.Markdown!;
        await host.Ready.WaitAsync(ct);
        var check = await CheckAsync(host, path, markdown, ct);
        return Results.Json(new { path, markdown, canSave = check.CanSave, problems = check.Problems.Select(StaffKnowledgeEndpoints.Problem.From) });
    }

    private static async Task<IResult> SaveAsync(HttpContext http, KnowledgeHost host, ILoggerFactory logs, CancellationToken ct)
    {
        if (await ReadAsync<SaveRequest>(http, ct) is not { Path: { } path, Markdown: { } markdown }) return StaffEndpoints.Error(StaffMatterTexts.BadSaveBody, 400);
        var bytes = Encoding.UTF8.GetBytes(markdown);
        if (bytes.LongLength > host.Limits.MaxFileBytes) return StaffEndpoints.Error(StaffMatterTexts.TooLarge(host.Limits.MaxFileBytes), 413);
        await host.Ready.WaitAsync(ct);
        var check = await CheckAsync(host, path, markdown, ct);
        if (!check.CanSave)
            return Results.Json(new { error = StaffMatterTexts.HasProblems, problems = check.Problems.Select(StaffKnowledgeEndpoints.Problem.From) }, statusCode: 422);

        var editor = new KnowledgeFileEditor(host.Folder, host.Limits);
        if (editor.Resolve(path) is not { } full) return StaffEndpoints.Error(MatterTexts.BadPath(path), 400);
        // Editing replaces exactly the bytes that were checked against; anything written meanwhile wins and is not lost.
        var before = File.Exists(full) ? await File.ReadAllBytesAsync(full, ct) : null;
        try
        {
            await editor.WriteAsync(path, before, bytes, ct);
        }
        catch (KnowledgeEditConflictException)
        {
            return StaffEndpoints.Error(StaffMatterTexts.ChangedMeanwhile, 409);
        }
        await host.RefreshNowAsync(ct);
        var document = check.Document!.Info;
        await RecordSaveAsync(http, logs, path, document.Id, created: before is null, ct);
        return Results.Json(new
        {
            path,
            id = document.Id,
            title = document.Title,
            created = before is null,
            problems = check.Problems.Select(StaffKnowledgeEndpoints.Problem.From),
            message = StaffMatterTexts.Saved(document.Title, before is null),
        });
    }

    private static async Task<IResult> GetAsync(string id, KnowledgeHost host, CancellationToken ct)
    {
        await host.Ready.WaitAsync(ct);
        var document = (await host.View.Index.GetDocumentsAsync(ct)).FirstOrDefault(d => d.Id == id && d.Kind == DocumentKind.Matter);
        if (document is null || new KnowledgeFileEditor(host.Folder).Resolve(document.SourcePath) is not { } full || !File.Exists(full))
            return StaffEndpoints.Error(StaffMatterTexts.UnknownMatter(id), 404);
        return Results.Json(new { id = document.Id, path = document.SourcePath, title = document.Title, markdown = await File.ReadAllTextAsync(full, ct) });
    }

    private static async Task<MatterCheckResult> CheckAsync(KnowledgeHost host, string path, string markdown, CancellationToken ct)
    {
        var view = host.View;
        return MatterCheck.Check(path, markdown, await view.Index.GetDocumentsAsync(ct), view.Statutes, view.Registry, host.Limits);
    }

    /// <summary>Ids and paths in use: the served documents, and every matter file on disk (a broken one is not served but still there).</summary>
    private static async Task<HashSet<string>> TakenAsync(KnowledgeHost host, CancellationToken ct)
    {
        var taken = new HashSet<string>(StringComparer.Ordinal);
        foreach (var d in await host.View.Index.GetDocumentsAsync(ct)) { taken.Add(d.Id); taken.Add(d.SourcePath); }
        var matters = Path.Combine(host.Folder, MatterDraftBuilder.Folder);
        if (Directory.Exists(matters))
            foreach (var file in Directory.EnumerateFiles(matters, "*.md", SearchOption.AllDirectories))
                taken.Add(Path.GetRelativePath(host.Folder, file).Replace('\\', '/'));
        return taken;
    }

    // JSON may leave lists out or send nulls; the composer wants them empty.
    private static MatterFields Clean(MatterFields f) => new(f.Id ?? "", f.Title ?? "", f.Route ?? "", f.Questions ?? [], f.Answer ?? "",
        (f.References ?? []).Where(r => r is not null).Select(r => new SuggestedReference(r.Law ?? "", r.Article ?? "", r.Quote)).ToList());

    private static async Task<T?> ReadAsync<T>(HttpContext http, CancellationToken ct) where T : class
    {
        try
        {
            return await http.Request.ReadFromJsonAsync<T>(ct);
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException or BadHttpRequestException)
        {
            return null;
        }
    }

    /// <summary>The one place a matter save is recorded: the audit log (who, when, what) and the staff log.</summary>
    private static async Task RecordSaveAsync(HttpContext http, ILoggerFactory logs, string path, string id, bool created, CancellationToken ct)
    {
        var p = StaffEndpoints.Principal(http);
        await http.RequestServices.GetRequiredService<IStaffAudit>().RecordAsync(p, LegalBot.Cases.Audit.AuditActions.KnowledgeMatter, path,
            (created ? "created " : "edited ") + id, ct);
        LogSaved(logs.CreateLogger("LegalBot.Staff.KnowledgeEdits"), p.Worker, p.Office, created ? "created" : "edited", path, id);
    }

    [LoggerMessage(LogLevel.Information, "knowledge edit by {Worker} ({Office}): matter {Action} {Path} {Id}")]
    private static partial void LogSaved(ILogger logger, string worker, string office, string action, string path, string id);
}
