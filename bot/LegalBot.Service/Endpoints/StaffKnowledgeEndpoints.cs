using System.Text;
using System.Text.RegularExpressions;
using LegalBot.Knowledge.Documents;
using LegalBot.Knowledge.Import;
using LegalBot.Service.Hosting;
using Microsoft.Extensions.Options;

namespace LegalBot.Service.Endpoints;

/// <summary>
/// The 知识库 page: every document of the folder with its problems, and the import of .md/.docx/.pdf/.xlsx files —
/// a preview of the Markdown that would be saved (checked with the folder's rules), then a save into the folder,
/// which the knowledge watcher re-indexes. Conversion and checking live in Knowledge/Import; this file is HTTP only.
/// </summary>
public static partial class StaffKnowledgeEndpoints
{
    /// <summary>How long a save waits for the watcher to serve the new file before answering (the desk then says so).</summary>
    private static readonly TimeSpan IndexWait = TimeSpan.FromSeconds(10);

    /// <param name="staff">Folder status: any staff key (like the logs).</param>
    /// <param name="casework">Import and save change what citizens are told: a key, always.</param>
    public static void MapStaffKnowledge(this RouteGroupBuilder staff, RouteGroupBuilder casework)
    {
        staff.MapGet("/knowledge", ListAsync);
        casework.MapPost("/knowledge/preview", PreviewAsync).DisableAntiforgery();
        casework.MapPost("/knowledge/save", SaveAsync);
    }

    /// <summary>A problem as the desk lists it under its document.</summary>
    public sealed record Problem(string Path, int Line, string Message, bool Warning)
    {
        public static Problem From(KnowledgeDiagnostic d) => new(d.Path, d.Line, d.Message, d.IsWarning);
    }

    /// <summary>One file of the folder: indexed (id, kind, title, chunks) or not (then its problems say why).</summary>
    public sealed record DocumentEntry(string? Id, string? Kind, string? Title, string Path, int Chunks, DateTimeOffset? LastChange,
        bool Served, IReadOnlyList<Problem> Problems);

    public sealed record PreviewFile(string Path, string Kind, string Title, string Markdown, bool Exists, IReadOnlyList<Problem> Problems);

    public sealed record SaveRequest(string? Path, string? Markdown, bool Overwrite = false);

    private static async Task<IResult> ListAsync(KnowledgeHost host, CancellationToken ct)
    {
        await host.Ready.WaitAsync(ct);
        var status = host.Status;
        var index = host.View.Index;
        var served = (await index.GetDocumentsAsync(ct)).ToDictionary(d => d.SourcePath, StringComparer.Ordinal);
        var problems = host.Diagnostics.GroupBy(d => d.Path, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Select(Problem.From).ToList(), StringComparer.Ordinal);
        var listing = KnowledgeFolder.EnumerateDocuments(host.Folder);
        var documents = new List<DocumentEntry>();
        foreach (var file in listing.Files)
        {
            var fileProblems = problems.GetValueOrDefault(file.RelativePath) ?? [];
            var lastChange = new DateTimeOffset(File.GetLastWriteTimeUtc(file.FullPath), TimeSpan.Zero);
            if (served.TryGetValue(file.RelativePath, out var doc))
            {
                var chunks = (await index.GetChunksAsync(doc.Id, ct)).Count;
                documents.Add(new DocumentEntry(doc.Id, doc.Kind.ToString().ToLowerInvariant(), doc.Title, file.RelativePath, chunks, lastChange, true, fileProblems));
            }
            else
            {
                // Not in the index: a publicity file (lesson, quiz, campaign: read by the publicity catalog) or a broken one.
                var (kind, title) = await PeekAsync(file.FullPath, ct);
                documents.Add(new DocumentEntry(null, kind, title, file.RelativePath, 0, lastChange, false, fileProblems));
            }
        }
        documents.AddRange(listing.Refused.Select(r => new DocumentEntry(null, null, null, r.Path, 0, null, false, [Problem.From(r)])));
        return Results.Json(new
        {
            lastRefresh = status.LastRefresh,
            documentCount = status.Documents,
            chunks = status.Chunks,
            problems = status.Problems,
            lastError = status.LastError,
            documents,
        });
    }

    private static async Task<IResult> PreviewAsync(HttpContext http, KnowledgeHost host, IOptions<KnowledgeOptions> options, CancellationToken ct)
    {
        if (!http.Request.HasFormContentType) return StaffEndpoints.Error(StaffKnowledgeTexts.NotMultipart, 400);
        if (http.Request.ContentLength > DocumentImporter.MaxSourceBytes + 64 * 1024)
            return StaffEndpoints.Error(StaffKnowledgeTexts.TooLarge(DocumentImporter.MaxSourceBytes), 413);
        var form = await http.Request.ReadFormAsync(ct);
        if (form.Files.GetFile("file") is not { Length: > 0 } upload) return StaffEndpoints.Error(StaffKnowledgeTexts.NoFile, 400);
        if (upload.Length > DocumentImporter.MaxSourceBytes) return StaffEndpoints.Error(StaffKnowledgeTexts.TooLarge(DocumentImporter.MaxSourceBytes), 413);
        await host.Ready.WaitAsync(ct);
        var existing = await host.View.Index.GetDocumentsAsync(ct);
        await using var stream = upload.OpenReadStream();
        var result = await DocumentImporter.ImportAsync(upload.FileName, stream, existing, ct, Limits(options));
        var paths = result.Files.Select(f => f.RelativePath).ToHashSet(StringComparer.Ordinal);
        return Results.Json(new
        {
            source = result.SourceName,
            canSave = result.CanSave,
            // Problems of the source itself (a sheet, a column); those of a file to save are listed with it.
            problems = result.Problems.Where(p => !paths.Contains(p.Path)).Select(Problem.From),
            files = result.Files.Select(f => new PreviewFile(f.RelativePath, f.Kind.ToString().ToLowerInvariant(), f.Title, f.Markdown,
                KnowledgePaths.Resolve(host.Folder, f.RelativePath) is { } full && File.Exists(full),
                [.. result.Problems.Where(p => p.Path == f.RelativePath).Select(Problem.From)])),
        });
    }

    private static async Task<IResult> SaveAsync(HttpContext http, KnowledgeHost host, IOptions<KnowledgeOptions> options, CancellationToken ct)
    {
        SaveRequest? request;
        try
        {
            request = await http.Request.ReadFromJsonAsync<SaveRequest>(ct);
        }
        catch (Exception ex) when (ex is System.Text.Json.JsonException or InvalidOperationException or BadHttpRequestException)
        {
            return StaffEndpoints.Error(StaffKnowledgeTexts.BadBody, 400);
        }
        if (request?.Markdown is not { } markdown || request.Path is not { } path) return StaffEndpoints.Error(StaffKnowledgeTexts.BadBody, 400);
        if (KnowledgePaths.Resolve(host.Folder, path) is not { } full) return StaffEndpoints.Error(ImportTexts.BadPath(path), 400);
        var limits = Limits(options);
        var bytes = Encoding.UTF8.GetBytes(markdown);
        if (bytes.LongLength > limits.MaxFileBytes) return StaffEndpoints.Error(StaffKnowledgeTexts.MarkdownTooLarge(limits.MaxFileBytes), 413);
        if (File.Exists(full) && !request.Overwrite) return StaffEndpoints.Error(ImportTexts.FileExists(path), 409);

        await host.Ready.WaitAsync(ct);
        var problems = ImportCheck.Check(path, markdown, await host.View.Index.GetDocumentsAsync(ct), limits);
        if (problems.Any(p => !p.IsWarning))
            return Results.Json(new { error = StaffKnowledgeTexts.HasProblems, problems = problems.Select(Problem.From) }, statusCode: 422);

        try
        {
            await KnowledgeFileWriter.WriteAsync(host.Folder, path, markdown, request.Overwrite, ct);
        }
        catch (IOException) when (File.Exists(full) && !request.Overwrite)
        {
            // Created meanwhile by someone else.
            return StaffEndpoints.Error(ImportTexts.FileExists(path), 409);
        }
        await RecordSaveAsync(http, StaffEndpoints.Principal(http), path, bytes.LongLength, request.Overwrite, ct);

        var hash = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(bytes));
        var served = await WaitUntilServedAsync(host, path, hash, ct);
        return Results.Json(new { path, id = served?.Id, indexed = served is not null, problems = problems.Select(Problem.From) });
    }

    /// <summary>The one place a knowledge save is recorded: the audit log (who, when, what) and the staff log.</summary>
    private static async Task RecordSaveAsync(HttpContext http, StaffPrincipal principal, string path, long bytes, bool overwrite, CancellationToken ct)
    {
        await http.RequestServices.GetRequiredService<IStaffAudit>().RecordAsync(principal, LegalBot.Cases.Audit.AuditActions.KnowledgeUpload, path,
            string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{bytes} bytes{(overwrite ? ", replaced" : "")}"), ct);
        LogSaved(http.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger("LegalBot.Staff"), principal.Worker, path, bytes);
    }

    private static async Task<DocumentInfo?> WaitUntilServedAsync(KnowledgeHost host, string path, string hash, CancellationToken ct)
    {
        var deadline = DateTimeOffset.UtcNow + IndexWait;
        while (true)
        {
            var doc = (await host.View.Index.GetDocumentsAsync(ct)).FirstOrDefault(d => d.SourcePath == path && d.FileHash == hash);
            if (doc is not null || DateTimeOffset.UtcNow > deadline) return doc;
            await Task.Delay(200, ct);
        }
    }

    private static KnowledgeLimits Limits(IOptions<KnowledgeOptions> options) => KnowledgeLimits.Default with { MaxFileBytes = options.Value.MaxFileBytes };

    /// <summary>Kind and title from a file's front matter, read without the parser (the file may be a lesson or broken).</summary>
    private static async Task<(string? Kind, string? Title)> PeekAsync(string path, CancellationToken ct)
    {
        try
        {
            var head = new char[4096];
            using var reader = new StreamReader(path, Encoding.UTF8);
            var read = await reader.ReadBlockAsync(head, ct);
            var text = new string(head, 0, read);
            return (Field(text, "kind"), Field(text, "title"));
        }
        catch (IOException)
        {
            return (null, null);
        }
    }

    private static string? Field(string text, string key)
    {
        var m = Regex.Match(text, "^" + key + @":[ \t]*[""']?(?<v>[^""'\r\n]*)", RegexOptions.Multiline, TimeSpan.FromMilliseconds(100));
        return m.Success && m.Groups["v"].Value.Trim().Length > 0 ? m.Groups["v"].Value.Trim() : null;
    }

    [LoggerMessage(LogLevel.Information, "knowledge file {Path} saved by {Worker} ({Bytes} bytes)")]
    private static partial void LogSaved(ILogger logger, string worker, string path, long bytes);
}
