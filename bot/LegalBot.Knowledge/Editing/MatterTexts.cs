using System.Text.RegularExpressions;
using LegalBot.Knowledge.Documents;

namespace LegalBot.Knowledge.Editing;

/// <summary>
/// The Chinese of the matter editor's checks (the desk shows them as they come), in one place. The folder's parser
/// reports in English for <c>legalbot check</c>; the problems a matter editor meets are given in Chinese here, and
/// any other parser problem keeps its wording behind a Chinese lead-in.
/// </summary>
public static partial class MatterTexts
{
    public static string BadPath(string path) =>
        $"保存路径“{path}”不合规：须是 {MatterDraftBuilder.Folder}/领域/文件名.md（英文小写、数字和连字符），不能含“..”、绝对路径或隐藏文件夹。";
    public const string NotAMatter = "这不是事项文件：前言里要写 kind: matter。";
    public static string IdTaken(string id, string owner) => $"编号 {id} 已被 {owner} 使用，请换一个 id（编辑已有事项请打开那个文件）。";
    public static string PathHoldsOther(string path, string id) => $"{path} 是另一个事项（{id}）的文件，不能覆盖；请换一个文件名。";
    public static string UnknownLaw(string law) => $"“{law}”不是已知的法律名称（文件夹和 statutes.txt 里都没有），请用简称，如“劳动合同法”。";
    public static string Unverifiable(string law, string article) => $"文件夹里没有《{law}》全文，{article}无法核对，请人工核对条号和引文。";
    public static string NoSuchArticle(string law, string article) => $"《{law}》没有{article}，请核对条号。";
    public static string QuoteMismatch(string law, string article, string piece) => $"《{law}》{article}的引文与条文原文不一致（从“{piece}”起），请照原文引用，可用“……”省略。";
    public static string Other(string message) => "格式问题：" + message;

    /// <summary>The parser's problem in Chinese where it is one a matter editor meets.</summary>
    public static string Translate(string message)
    {
        foreach (var (pattern, chinese) in Known)
            if (pattern.Match(message) is { Success: true } m) return chinese(m);
        return Other(message);
    }

    private static readonly (Regex Pattern, Func<Match, string> Chinese)[] Known =
    [
        (Rx(@"^a matter needs a '## 常见问法' list"), _ => $"缺少“## {MatterProfile.QuestionsHeading}”：一行一个群众的说法。"),
        (Rx(@"^(\d+) ways of asking under '## 常见问法': at least (\d+)"), m => $"“{MatterProfile.QuestionsHeading}”只有 {m.Groups[1].Value} 条，至少要写 {m.Groups[2].Value} 条群众的说法（越接近口语越好）。"),
        (Rx(@"^'(.+)' is listed twice"), m => $"问法“{m.Groups[1].Value}”写了两遍。"),
        (Rx(@"^a matter needs a '## 解答' section"), _ => $"还没有写“{MatterProfile.AnswerHeading}”（占位提示不算）：写好解答才能保存。"),
        (Rx(@"^a matter needs 'route'"), _ => "缺少 route（办理途径）：" + string.Join("、", MatterProfile.KnownRoutes) + "。"),
        (Rx(@"^unknown route '(.*)'"), m => $"不认识的 route“{m.Groups[1].Value}”，可用：" + string.Join("、", MatterProfile.KnownRoutes) + "。"),
        (Rx(@"^unknown service '(.*)'"), m => $"不认识的服务“{m.Groups[1].Value}”，可用：" + string.Join("、", MatterProfile.KnownServices) + "。"),
        (Rx(@"needs 'references'"), _ => "至少要有一条依据（法律名称 + 第X条）：建议的条文核对后勾选，或手工填写。"),
        (Rx(@"^a reference needs 'law' and 'article'"), _ => "每条依据都要写法律名称和条号。"),
        (Rx(@"^'(.*)' is not an article label"), m => $"“{m.Groups[1].Value}”不是条号，请写成“第X条”。"),
        (Rx(@"^(\d+) references: at most (\d+)"), m => $"依据有 {m.Groups[1].Value} 条，最多 {m.Groups[2].Value} 条：只写起决定作用的条文。"),
        (Rx(@"^bad YAML in front matter"), _ => "前言（两行 --- 之间）的写法有误，请检查冒号、引号和缩进。"),
        (Rx(@"^no title"), _ => "缺少标题。"),
    ];

    private static Regex Rx(string pattern) => new(pattern, RegexOptions.CultureInvariant, TimeSpan.FromMilliseconds(100));
}
