using System.Text;
using LegalBot.Knowledge.Documents;
using LegalBot.Knowledge.Import.Readers;
using LegalBot.Knowledge.Import.Writers;

namespace LegalBot.Knowledge.Import;

/// <summary>
/// Turns an uploaded file into the Markdown files the knowledge folder holds, checked before anything is saved:
/// <c>.md</c> as it is; <c>.docx</c> and <c>.pdf</c> as a statute (when its paragraphs are 第X条 articles) or a guide;
/// <c>.xlsx</c> as one handbook per department. No I/O beyond the stream it is given.
/// </summary>
public static class DocumentImporter
{
    /// <summary>The largest upload read (Office files are zipped; what they hold is bounded by the knowledge file limit).</summary>
    public const long MaxSourceBytes = 20L * 1024 * 1024;

    public static readonly string[] Extensions = [".md", ".docx", ".pdf", ".xlsx"];

    public static bool IsSupported(string fileName) => Extensions.Contains(Path.GetExtension(fileName).ToLowerInvariant());

    /// <param name="fileName">The uploaded file's name (its extension picks the reader; it is cited as the source).</param>
    /// <param name="existing">Documents the folder serves now, for the duplicate-id rule.</param>
    public static async Task<ImportResult> ImportAsync(string fileName, Stream content, IReadOnlyList<DocumentInfo> existing,
        CancellationToken cancellationToken, KnowledgeLimits? limits = null)
    {
        var name = Path.GetFileName(fileName);
        if (!IsSupported(name)) return new ImportResult(name, [], [new(name, 1, ImportTexts.UnsupportedType(name))]);
        var bytes = await ReadAsync(content, cancellationToken).ConfigureAwait(false);
        if (bytes is null) return new ImportResult(name, [], [new(name, 1, ImportTexts.TooLarge(MaxSourceBytes + 1, MaxSourceBytes))]);
        var problems = new List<KnowledgeDiagnostic>();
        IReadOnlyList<ImportedFile> files;
        try
        {
            files = Convert(name, bytes, problems);
        }
        catch (ImportException ex)
        {
            return new ImportResult(name, [], [new(name, 1, ex.Message)]);
        }
        foreach (var file in files) problems.AddRange(ImportCheck.Check(file.RelativePath, file.Markdown, existing, limits));
        return new ImportResult(name, files, problems);
    }

    private static IReadOnlyList<ImportedFile> Convert(string name, byte[] bytes, List<KnowledgeDiagnostic> problems)
    {
        switch (Path.GetExtension(name).ToLowerInvariant())
        {
            case ".md":
                return [Markdown(name, bytes)];
            case ".xlsx":
                using (var stream = new MemoryStream(bytes, writable: false))
                    return HandbookWriter.Write(GuideWorkbook.Read(stream, name, problems), name);
            default:
                IReadOnlyList<SourceParagraph> paragraphs;
                if (name.EndsWith(".pdf", StringComparison.OrdinalIgnoreCase)) paragraphs = PdfReader.Read(bytes);
                else using (var stream = new MemoryStream(bytes, writable: false)) paragraphs = WordReader.Read(stream);
                if (paragraphs.Count == 0) throw new ImportException(ImportTexts.EmptyDocument);
                return [StatuteWriter.LooksLikeStatute(paragraphs) ? StatuteWriter.Write(paragraphs, name, problems) : GuideWriter.Write(paragraphs, name)];
        }
    }

    /// <summary>A Markdown upload is saved as it is, in the folder its kind belongs in.</summary>
    private static ImportedFile Markdown(string name, byte[] bytes)
    {
        string text;
        try
        {
            text = new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(bytes).TrimStart('\uFEFF');
        }
        catch (DecoderFallbackException)
        {
            throw new ImportException(ImportTexts.NotUtf8);
        }
        var kind = ImportCheck.KindOf(text, out var title) ?? DocumentKind.Guide;
        var folder = kind switch
        {
            DocumentKind.Regulation => "regulations", DocumentKind.Handbook => "handbooks", DocumentKind.Office => "offices",
            DocumentKind.Matter => "matters", DocumentKind.Lesson => "lessons", DocumentKind.Quiz => "quizzes", DocumentKind.Campaign => "campaigns",
            _ => "guides",
        };
        return new ImportedFile(folder + "/" + KnowledgePaths.FileName(Path.GetFileNameWithoutExtension(name)), kind, title ?? name, text);
    }

    private static async Task<byte[]?> ReadAsync(Stream content, CancellationToken cancellationToken)
    {
        using var buffer = new MemoryStream();
        var chunk = new byte[81920];
        int read;
        while ((read = await content.ReadAsync(chunk, cancellationToken).ConfigureAwait(false)) > 0)
        {
            if (buffer.Length + read > MaxSourceBytes) return null;
            buffer.Write(chunk, 0, read);
        }
        return buffer.ToArray();
    }
}
