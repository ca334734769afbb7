namespace LegalBot.Knowledge.Documents;

public enum DocumentKind
{
    Regulation,
    Guide,
    Handbook,
    Office,
}

/// <summary>Document-level metadata, shared by all of a document's chunks.</summary>
/// <param name="Id">Stable id: front matter <c>id</c>, else the path relative to the knowledge folder without ".md".</param>
/// <param name="SourcePath">Path relative to the knowledge folder, with '/' separators.</param>
/// <param name="FileHash">SHA-256 of the file's bytes (hex); drives incremental indexing.</param>
/// <param name="Title">Front matter title, else the first H1 (e.g. 中华人民共和国民法典).</param>
/// <param name="Part">The second H1 of a statute split in parts (民法典's 编), if any.</param>
/// <param name="FrontMatter">Raw YAML front matter, for features with their own schema (office directory).</param>
public sealed record DocumentInfo(
    string Id,
    string SourcePath,
    string FileHash,
    string Title,
    string? Part,
    DocumentKind Kind,
    string? Region,
    string? Department,
    DateOnly? Effective,
    string? Source,
    IReadOnlyList<string> Tags,
    string? FrontMatter)
{
    /// <summary>The statute name as citizens and the eval sets use it: no 中华人民共和国 prefix, no (…) suffix.</summary>
    public string ShortTitle => LawNames.Shorten(Title);
}

/// <summary>One retrievable unit: a statute article, or a guide/handbook section.</summary>
/// <param name="Id">Document id + '#' + anchor (the article label or the heading path); stable across edits.</param>
/// <param name="ArticleLabel">Canonical 第X条 / 第X条之Y label for statute articles.</param>
/// <param name="HeadingPath">Part/chapter/section headings (statutes) or the section's heading path (guides).</param>
/// <param name="Text">The chunk's Markdown source, paragraphs separated by newlines.</param>
/// <param name="Line">1-based line in the source file where the chunk starts.</param>
/// <param name="Hash">Content hash of label, headings and text.</param>
public sealed record KnowledgeChunk(
    string Id,
    string DocumentId,
    int Ordinal,
    string? ArticleLabel,
    IReadOnlyList<string> HeadingPath,
    string Text,
    int Line,
    string Hash);

public sealed record KnowledgeDocument(DocumentInfo Info, IReadOnlyList<KnowledgeChunk> Chunks);

/// <summary>A problem in a knowledge file, reported as <c>path:line: message</c>.</summary>
public sealed record KnowledgeDiagnostic(string Path, int Line, string Message)
{
    public override string ToString() => $"{Path}:{Line}: {Message}";
}
