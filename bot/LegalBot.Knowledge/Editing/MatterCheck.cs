using System.Text;
using LegalBot.Knowledge.Documents;
using LegalBot.Knowledge.Import;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace LegalBot.Knowledge.Editing;

/// <summary>The problems of a matter about to be saved (Chinese, with lines) and the document when it parses.</summary>
public sealed record MatterCheckResult(IReadOnlyList<KnowledgeDiagnostic> Problems, KnowledgeDocument? Document)
{
    public bool CanSave => Document is not null && !Problems.Any(p => !p.IsWarning);
}

/// <summary>
/// Checks a matter file from the desk with <c>legalbot check</c>'s rules — the folder's parser (常见问法, 解答, route,
/// references), the references against the folder's statutes (law known, article exists, quote matches), and the folder
/// rules one file can break: a path outside <c>matters/</c>, an id another file holds, a file of another matter
/// replaced. Pure: the caller brings the served documents and statutes.
/// </summary>
public static class MatterCheck
{
    /// <param name="existing">The documents the folder serves now.</param>
    public static MatterCheckResult Check(string path, string markdown, IReadOnlyList<DocumentInfo> existing, StatuteIndex statutes, StatuteRegistry registry,
        KnowledgeLimits? limits = null)
    {
        if (!IsMatterPath(path)) return new([new(path ?? "", 1, MatterTexts.BadPath(path ?? ""))], null);
        var bytes = Encoding.UTF8.GetBytes(markdown);
        var parsed = MarkdownDocumentParser.Parse(path, bytes, limits);
        var problems = parsed.Diagnostics.Select(d => Chinese(d, markdown)).ToList();
        if (parsed.Document is not { } document)
        {
            if (problems.Count == 0) problems.Add(new(path, 1, MatterTexts.NotAMatter));
            // Staff fix one thing at a time: the references are proved even while the answer is still missing.
            foreach (var r in FrontMatterReferences(path, bytes))
                if (Reference(r, statutes, registry) is { } message) problems.Add(new(path, Math.Max(r.Line, 1), message.Text, message.Warning));
            return new([.. problems.OrderBy(p => p.Line)], null);
        }
        if (document.Info.Kind != DocumentKind.Matter) return new([.. problems, new(path, 1, MatterTexts.NotAMatter)], null);

        var id = document.Info.Id;
        if (existing.FirstOrDefault(d => d.Id == id && d.SourcePath != path) is { } owner) problems.Add(new(path, 1, MatterTexts.IdTaken(id, owner.SourcePath)));
        if (existing.FirstOrDefault(d => d.SourcePath == path && d.Id != id) is { } replaced) problems.Add(new(path, 1, MatterTexts.PathHoldsOther(path, replaced.Id)));
        foreach (var r in document.Chunks.SelectMany(c => c.ArticleReferences))
            if (Reference(r, statutes, registry) is { } message)
                problems.Add(new(path, Math.Max(r.Line, 1), message.Text, message.Warning));
        return new(problems, document);
    }

    /// <summary>A relative <c>.md</c> path under <c>matters/</c> that the knowledge folder accepts (no <c>..</c>, no hidden or odd segments).</summary>
    public static bool IsMatterPath(string? path) =>
        KnowledgePaths.IsAllowed(path) && path!.StartsWith(MatterDraftBuilder.Folder + "/", StringComparison.Ordinal) && path.Split('/').Length >= 2;

    /// <summary>The problem in Chinese; a missing section is shown at its heading when the heading is there (the parser points at the front matter).</summary>
    private static KnowledgeDiagnostic Chinese(KnowledgeDiagnostic d, string markdown)
    {
        var chinese = d with { Message = MatterTexts.Translate(d.Message) };
        var heading = d.Message.Contains("'## " + MatterProfile.AnswerHeading + "'", StringComparison.Ordinal) ? "## " + MatterProfile.AnswerHeading : null;
        if (heading is null) return chinese;
        var at = Array.FindIndex(markdown.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n'), l => l.TrimEnd() == heading);
        return at < 0 ? chinese : chinese with { Line = at + 1 };
    }

    /// <summary>The references of a file that does not parse as a whole, read from its front matter alone (its problems are the parser's).</summary>
    private static List<ArticleReference> FrontMatterReferences(string path, byte[] content)
    {
        if (MarkdownLines.Read(content) is not { } lines) return [];
        var end = lines.FrontMatterEnd();
        if (end < 0) return [];
        try
        {
            var stream = new YamlStream();
            stream.Load(new StringReader(string.Join('\n', lines.Lines.Skip(1).Take(end - 1))));
            if (stream.Documents.Count == 0 || stream.Documents[0].RootNode is not YamlMappingNode root) return [];
            return new YamlFields(path, 2, []).References(root, "a matter") ?? [];
        }
        catch (YamlException)
        {
            return [];
        }
    }

    private static (string Text, bool Warning)? Reference(ArticleReference r, StatuteIndex statutes, StatuteRegistry registry)
    {
        if (!statutes.Holds(r.Law))
            return registry.Knows(r.Law) ? (MatterTexts.Unverifiable(r.Law, r.Article), true) : (MatterTexts.UnknownLaw(r.Law), false);
        if (statutes.Article(r) is not { } article) return (MatterTexts.NoSuchArticle(r.Law, r.Article), false);
        if (r.Quote is { Length: > 0 } quote && ReferenceCheck.QuoteMismatch(quote, article.Chunk.Text) is { } piece)
            return (MatterTexts.QuoteMismatch(r.Law, r.Article, piece), false);
        return null;
    }
}
