using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using LegalBot.Knowledge.Documents;
using LegalBot.Knowledge.Text;

namespace LegalBot.Knowledge.Editing;

/// <summary>An article offered as a matter's reference: staff confirm it (or not) in the editor.</summary>
public sealed record SuggestedReference(string Law, string Article, string? Quote);

/// <summary>What the desk's matter editor edits; <see cref="MatterDraftBuilder.Compose"/> turns it into the file.</summary>
public sealed record MatterFields(
    string Id,
    string Title,
    string Route,
    IReadOnlyList<string> Questions,
    string Answer,
    IReadOnlyList<SuggestedReference> References);

/// <summary>A new matter drafted from a citizen's question: where it would be saved, its fields, and the suggested articles.</summary>
public sealed record MatterDraft(string Path, string Domain, MatterFields Fields, IReadOnlyList<SuggestedReference> Suggested, string Markdown);

/// <summary>
/// Drafts a matter file (<c>kind: matter</c>) from a question and composes the file from the editor's fields. Pure:
/// the caller brings what the index knows (the route the router guessed, the best matter's folder, the top statute
/// articles, the ids in use). Suggested articles are NOT written as references: staff confirm each one, and a matter
/// without references, or with the answer still the placeholder, fails the folder's check, so a draft cannot go live.
/// </summary>
public static partial class MatterDraftBuilder
{
    public const string Folder = "matters";
    public const string FallbackDomain = "general";
    public const int MaxTitleLength = 30;
    /// <summary>An HTML comment: the parser skips it, so the answer reads as empty until staff write one.</summary>
    public const string AnswerPlaceholder = "<!-- 请在这里用大白话写解答：结论、办法、去哪里办；引用写成《法律名称》第X条。 -->";

    /// <param name="question">The question, already masked of personal data.</param>
    /// <param name="route">The route the router guessed; anything that is not a matter route becomes consult.</param>
    /// <param name="bestMatterPath">The source path of the best matching existing matter, for the domain folder.</param>
    /// <param name="suggested">The top statute articles for the question (staff confirm them).</param>
    /// <param name="taken">Ids and paths already in use in the folder.</param>
    public static MatterDraft Draft(string question, string? route, string? bestMatterPath, IReadOnlyList<SuggestedReference> suggested, ISet<string> taken)
    {
        var wording = Whitespace().Replace(question, " ").Trim();
        if (wording.Length == 0) throw new ArgumentException("empty question", nameof(question));
        var domain = DomainOf(bestMatterPath) ?? FallbackDomain;
        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(TextNormalizer.Normalize(wording))));
        // A short hash of the question is stable for the same question; a counter makes it unique when taken.
        var slug = "q" + hash[..6];
        for (var n = 2; taken.Contains(IdOf(domain, slug)) || taken.Contains(PathOf(domain, slug)); n++) slug = "q" + hash[..6] + "-" + n;
        var fields = new MatterFields(IdOf(domain, slug), TitleOf(wording),
            route is { } r && MatterProfile.KnownRoutes.Contains(r) ? r : "consult", [wording], "", []);
        return new MatterDraft(PathOf(domain, slug), domain, fields, suggested, Compose(fields));
    }

    /// <summary>The matter file for the fields, in the layout of knowledge/README.md.</summary>
    public static string Compose(MatterFields fields)
    {
        var s = new StringBuilder();
        s.Append("---\n");
        s.Append("id: ").Append(QuestionVariantEditor.Yaml(Line(fields.Id))).Append('\n');
        s.Append("kind: matter\n");
        s.Append("title: ").Append(QuestionVariantEditor.Yaml(Line(fields.Title))).Append('\n');
        s.Append("route: ").Append(QuestionVariantEditor.Yaml(Line(fields.Route))).Append('\n');
        var references = fields.References.Where(r => Line(r.Law).Length > 0 || Line(r.Article).Length > 0).ToList();
        if (references.Count > 0)
        {
            s.Append("references:\n");
            foreach (var r in references)
            {
                s.Append("  - law: ").Append(QuestionVariantEditor.Yaml(Line(r.Law))).Append('\n');
                s.Append("    article: ").Append(QuestionVariantEditor.Yaml(Line(r.Article))).Append('\n');
                if (r.Quote is { } q && Line(q).Length > 0) s.Append("    quote: ").Append(QuestionVariantEditor.Yaml(Line(q))).Append('\n');
            }
        }
        s.Append("---\n\n");
        s.Append("# ").Append(Line(fields.Title)).Append("\n\n");
        s.Append("## ").Append(MatterProfile.QuestionsHeading).Append("\n\n");
        foreach (var q in fields.Questions.Select(Line).Where(q => q.Length > 0).Distinct(StringComparer.Ordinal))
            s.Append("- ").Append(q[0] is '#' or '>' or '|' ? "\\" + q : q).Append('\n');
        s.Append("\n## ").Append(MatterProfile.AnswerHeading).Append("\n\n");
        var answer = fields.Answer.Replace("\r\n", "\n", StringComparison.Ordinal).Trim();
        s.Append(answer.Length == 0 ? AnswerPlaceholder : answer).Append('\n');
        return s.ToString();
    }

    /// <summary>A suggestion from a statute article: its label, and its first sentence as the quote (checked like any quote).</summary>
    public static SuggestedReference Suggest(string law, string articleLabel, string articleText)
    {
        var text = ArticleStart().Replace(articleText.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n', StringSplitOptions.RemoveEmptyEntries).FirstOrDefault() ?? "", "").Trim();
        var end = text.IndexOfAny(['。', '；', '：']);
        var quote = end > 0 ? text[..(end + 1)] : text;
        if (quote.EndsWith('：') || quote.EndsWith('；')) quote = quote[..^1];
        return new SuggestedReference(law, articleLabel, quote.Length == 0 ? null : quote);
    }

    /// <summary>The domain folder of a matter's path (<c>matters/labour/x.md</c> → labour), or null.</summary>
    public static string? DomainOf(string? matterPath)
    {
        var parts = matterPath?.Split('/');
        return parts is { Length: 3 } && parts[0] == Folder && AsciiSlug().IsMatch(parts[1]) ? parts[1] : null;
    }

    private static string IdOf(string domain, string slug) => $"matter-{domain}-{slug}";

    private static string PathOf(string domain, string slug) => $"{Folder}/{domain}/{slug}.md";

    private static string TitleOf(string wording)
    {
        var title = wording.TrimEnd('？', '?', '。', '！', '!', '，', ',', ' ');
        if (title.Length == 0) title = wording;
        return title.Length > MaxTitleLength ? title[..MaxTitleLength] : title;
    }

    private static string Line(string value) => Whitespace().Replace(value, " ").Trim();

    [GeneratedRegex(@"\s+")]
    private static partial Regex Whitespace();

    [GeneratedRegex(@"^\s*第[零〇一二三四五六七八九十百千万\d]+条(?:之[一二三四五六七八九十]+)?\s*")]
    private static partial Regex ArticleStart();

    [GeneratedRegex("^[a-z0-9][a-z0-9-]*$")]
    private static partial Regex AsciiSlug();
}
