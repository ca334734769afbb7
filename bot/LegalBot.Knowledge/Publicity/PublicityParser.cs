using System.Text.RegularExpressions;
using LegalBot.Knowledge.Documents;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace LegalBot.Knowledge.Publicity;

/// <summary>
/// Reads lesson, quiz and campaign files (formats in knowledge/README.md "普法"). Pure: text in, item or problems out,
/// each problem at its file line.
/// </summary>
public static partial class PublicityParser
{
    public static readonly IReadOnlyList<string> KnownAudiences = ["老年人", "农民工", "妇女", "青少年", "经营者", "村居干部"];
    public const int MaxLessonReferences = 4;
    public const int MinOptions = 3;
    public const int MaxOptions = 4;

    /// <summary>The kind a file's front matter declares, when it is one of the publicity kinds; a cheap look at the head.</summary>
    public static DocumentKind? PeekKind(string text)
    {
        if (!text.TrimStart('\uFEFF').StartsWith("---", StringComparison.Ordinal)) return null;
        var m = KindLine().Match(text.Length > 4096 ? text[..4096] : text);
        if (!m.Success) return null;
        return m.Groups[1].Value.ToLowerInvariant() switch
        {
            "lesson" => DocumentKind.Lesson,
            "quiz" => DocumentKind.Quiz,
            "campaign" => DocumentKind.Campaign,
            _ => null,
        };
    }

    public sealed record Parsed(Lesson? Lesson, Quiz? Quiz, Campaign? Campaign);

    public static Parsed? Parse(string path, string text, List<KnowledgeDiagnostic> problems)
    {
        var before = problems.Count;
        var lines = text.TrimStart('\uFEFF').Replace("\r\n", "\n").Split('\n');
        var end = lines.Length > 0 && lines[0].Trim() == "---" ? Array.FindIndex(lines, 1, l => l.Trim() is "---" or "...") : -1;
        if (end < 0)
        {
            problems.Add(new(path, 1, "needs YAML front matter between two '---' lines"));
            return null;
        }
        YamlMappingNode root;
        try
        {
            var stream = new YamlStream();
            stream.Load(new StringReader(string.Join('\n', lines[1..end])));
            if (stream.Documents.Count == 0 || stream.Documents[0].RootNode is not YamlMappingNode map)
            {
                problems.Add(new(path, 2, "front matter must be a YAML mapping of key: value lines"));
                return null;
            }
            root = map;
        }
        catch (Exception ex) when (ex is YamlException or InvalidOperationException)
        {
            problems.Add(new(path, ex is YamlException y ? 2 + (int)Math.Max(0, y.Start.Line - 1) : 2, "bad YAML in front matter: " + ex.Message.Split('\n')[0].Trim()));
            return null;
        }
        var f = new YamlFields(path, 2, problems);
        var (title, body) = TitleAndBody(lines[(end + 1)..]);
        title = f.Scalar(root, "title") ?? title;
        var id = f.Scalar(root, "id") ?? MarkdownDocumentParser.DefaultId(path);
        if (title is null) problems.Add(new(path, 1, "no title: add 'title:' to the front matter or a '# 标题' line"));
        var audience = f.Names(root, "audience");
        foreach (var a in audience.Where(a => !KnownAudiences.Contains(a)))
            f.Problem(YamlFields.Get(root, "audience")!, $"unknown audience '{a}' ({string.Join(", ", KnownAudiences)})");
        var campaign = f.Scalar(root, "campaign");

        Parsed? result = null;
        switch (PeekKind(text))
        {
            case DocumentKind.Lesson:
                var months = Months(f, root);
                var references = f.References(root, "a lesson");
                if (references is { Count: > MaxLessonReferences })
                    f.Problem(YamlFields.Get(root, "references")!, $"{references.Count} references: at most {MaxLessonReferences}, the articles the lesson teaches");
                if (body.Trim().Length == 0) problems.Add(new(path, end + 2, "a lesson needs its text under the title"));
                if (problems.Count == before)
                    result = new(new Lesson(id, title!, audience, campaign, months, f.Names(root, "matters"), references!, body.Trim(), path), null, null);
                break;
            case DocumentKind.Quiz:
                var questions = Questions(f, root, id, path, problems);
                if (problems.Count == before)
                    result = new(null, new Quiz(id, title!, audience, campaign, questions, path), null);
                break;
            case DocumentKind.Campaign:
                var start = MonthDay(f, root, "start");
                var last = MonthDay(f, root, "end");
                if (problems.Count == before)
                    result = new(null, null, new Campaign(id, title!, start!.Value, last!.Value, f.Names(root, "lessons"), f.Names(root, "quizzes"), body.Trim(), path));
                break;
            default:
                problems.Add(new(path, 1, "not a lesson, quiz or campaign"));
                break;
        }
        return problems.Count == before ? result : null;
    }

    private static (string? Title, string Body) TitleAndBody(string[] lines)
    {
        var i = Array.FindIndex(lines, l => l.Trim().Length > 0);
        if (i >= 0 && lines[i].StartsWith("# ", StringComparison.Ordinal))
            return (lines[i][2..].Trim(), string.Join('\n', lines[(i + 1)..]));
        return (null, string.Join('\n', lines));
    }

    private static List<int> Months(YamlFields f, YamlMappingNode root)
    {
        var months = new List<int>();
        foreach (var m in f.Names(root, "months"))
        {
            if (int.TryParse(m, out var n) && n is >= 1 and <= 12) months.Add(n);
            else f.Problem(YamlFields.Get(root, "months")!, $"'{m}' is not a month (1–12)");
        }
        return months;
    }

    private static (int Month, int Day)? MonthDay(YamlFields f, YamlMappingNode root, string key)
    {
        var v = f.Scalar(root, key);
        var m = v is null ? null : MonthDayPattern().Match(v);
        if (m is { Success: true } && int.TryParse(m.Groups[1].Value, out var month) && int.TryParse(m.Groups[2].Value, out var day)
            && month is >= 1 and <= 12 && day >= 1 && day <= DateTime.DaysInMonth(2024, month))
            return (month, day);
        f.Problem(YamlFields.Get(root, key) ?? root, v is null ? $"a campaign needs '{key}': the yearly date as MM-DD (e.g. 12-04)" : $"'{key}' must be a yearly date MM-DD, not '{v}'");
        return null;
    }

    private static List<QuizQuestion> Questions(YamlFields f, YamlMappingNode root, string quizId, string path, List<KnowledgeDiagnostic> problems)
    {
        var result = new List<QuizQuestion>();
        if (YamlFields.Get(root, "questions") is not YamlSequenceNode seq || seq.Children.Count == 0)
        {
            f.Problem(YamlFields.Get(root, "questions") ?? root, "a quiz needs 'questions': a list of {id, question, options, answer, explanation, references}");
            return result;
        }
        foreach (var node in seq.Children)
        {
            if (node is not YamlMappingNode q)
            {
                f.Problem(node, "each question is a mapping of id, question, options, answer, explanation and references");
                continue;
            }
            var before = problems.Count;
            var id = f.Scalar(q, "id");
            var question = f.Scalar(q, "question");
            var explanation = f.Scalar(q, "explanation");
            if (id is null) f.Problem(q, "a question needs an 'id'");
            if (question is null) f.Problem(q, "a question needs its 'question' text");
            if (explanation is null) f.Problem(q, "a question needs an 'explanation' that cites the article");
            var options = f.Names(q, "options");
            if (YamlFields.Get(q, "options") is not YamlSequenceNode || options.Count is < MinOptions or > MaxOptions)
                f.Problem(YamlFields.Get(q, "options") ?? q, $"'options' must be a list of {MinOptions} or {MaxOptions} choices");
            var answerText = f.Scalar(q, "answer");
            var answer = answerText is { Length: 1 } ? char.ToUpperInvariant(answerText[0]) - 'A' : -1;
            if (answerText is null) f.Problem(q, "a question needs 'answer': the letter of the right option (A, B, C or D)");
            else if (answer < 0 || answer >= Math.Max(options.Count, 1))
                f.Problem(YamlFields.Get(q, "answer")!, $"answer '{answerText}' is not one of the options (A–{QuizQuestion.Letter(Math.Max(options.Count, 1) - 1)})");
            if (options.Distinct(StringComparer.Ordinal).Count() != options.Count)
                f.Problem(YamlFields.Get(q, "options")!, "two options are the same");
            var references = f.References(q, "a question");
            if (problems.Count == before)
                result.Add(new QuizQuestion(id!, quizId, question!, options, answer, explanation!, references!));
        }
        foreach (var dup in result.GroupBy(q => q.Id, StringComparer.Ordinal).Where(g => g.Count() > 1))
            problems.Add(new(path, 1, $"question id '{dup.Key}' is used twice"));
        return result;
    }

    [GeneratedRegex(@"^kind:\s*['""]?(lesson|quiz|campaign)['""]?\s*(?:#.*)?$", RegexOptions.Multiline | RegexOptions.IgnoreCase)]
    private static partial Regex KindLine();

    [GeneratedRegex(@"^(\d{1,2})-(\d{1,2})$")]
    private static partial Regex MonthDayPattern();
}
