namespace LegalBot.Knowledge.Documents;

/// <summary>
/// What one knowledge file may ask of the service. Files are parsed one by one with these limits checked first,
/// so a hostile or broken file becomes a <c>path:line: message</c> problem, never a crash, a stack overflow in
/// a parser or gigabytes of memory.
/// </summary>
/// <param name="MaxFileBytes">Larger files are refused unread (the statutes of the corpus are under 150 KB).</param>
/// <param name="MaxFrontMatterBytes">Front matter longer than this is refused before YamlDotNet sees it.</param>
/// <param name="MaxFrontMatterDepth">Nesting of YAML collections (brackets, braces, indentation).</param>
/// <param name="MaxMarkdownNesting">Nesting of block quotes and lists in the body.</param>
public sealed record KnowledgeLimits(
    long MaxFileBytes = 2 * 1024 * 1024,
    int MaxFrontMatterBytes = 64 * 1024,
    int MaxFrontMatterDepth = 16,
    int MaxMarkdownNesting = 16)
{
    public static KnowledgeLimits Default { get; } = new();
}
