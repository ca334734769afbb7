namespace LegalBot.Knowledge.Documents;

public enum DocumentKind
{
    Regulation,
    Guide,
    Handbook,
    Office,
    /// <summary>An everyday legal problem: citizens' wordings, a plain answer and its governing articles.</summary>
    Matter,
    /// <summary>A 普法 lesson (Publicity/): read by the publicity catalog, not indexed for answers.</summary>
    Lesson,
    /// <summary>普法 quiz questions with their answers and explanations (Publicity/).</summary>
    Quiz,
    /// <summary>A publicity campaign: its yearly dates, lessons and quiz (Publicity/).</summary>
    Campaign,
}

/// <summary>
/// An article a matter or guide relies on: the statute's short name (劳动合同法, 民法典) and the canonical label, with the
/// words quoted from it when the file gives them (checked against the statute when the folder holds it).
/// </summary>
/// <param name="Line">Where the reference is written in its file (for problems), 0 when unknown.</param>
public sealed record ArticleReference(string Law, string Article, string? Quote = null, int Line = 0)
{
    public override string ToString() => Law + Article;
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
/// <param name="Hash">Content hash of label, headings, text, questions and references.</param>
/// <param name="Questions">Ways citizens ask what this chunk answers (a matter's 常见问法): a strongly weighted search field.</param>
/// <param name="References">Articles the chunk relies on (a matter's references, a guide's inline citations).</param>
public sealed record KnowledgeChunk(
    string Id,
    string DocumentId,
    int Ordinal,
    string? ArticleLabel,
    IReadOnlyList<string> HeadingPath,
    string Text,
    int Line,
    string Hash,
    IReadOnlyList<string>? Questions = null,
    IReadOnlyList<ArticleReference>? References = null)
{
    public IReadOnlyList<string> QuestionVariants => Questions ?? [];
    public IReadOnlyList<ArticleReference> ArticleReferences => References ?? [];
}

public sealed record KnowledgeDocument(DocumentInfo Info, IReadOnlyList<KnowledgeChunk> Chunks);

/// <summary>A problem in a knowledge file, reported as <c>path:line: message</c>. A warning does not stop the file from serving.</summary>
public sealed record KnowledgeDiagnostic(string Path, int Line, string Message, bool IsWarning = false)
{
    public override string ToString() => IsWarning ? $"{Path}:{Line}: warning: {Message}" : $"{Path}:{Line}: {Message}";
}
