using System.Text.RegularExpressions;

namespace LegalBot.Conversation.Answering;

/// <summary>
/// The separate questions of a message that asks several ("请问：1.房子能分一半吗？2.公司股份我有没有份？"): a consultation
/// story often ends in two or three questions about different problems, and the best single matter answers only one.
/// Pure text work: no retrieval.
/// </summary>
public static partial class QuestionParts
{
    public const int MaxParts = 4;

    /// <summary>A part needs this many Chinese characters to be a question of its own (不是 "可以吗").</summary>
    public const int MinPartLength = 5;

    private static readonly string[] QuestionCues = ["吗", "么", "怎么", "怎样", "如何", "能不能", "可不可以", "可以不", "是否", "有没有", "多少", "多久", "多长", "哪", "谁", "什么", "啥", "咋", "要不要", "该不该", "算不算"];

    /// <summary>The message's questions, in order, when it asks two or more; otherwise none.</summary>
    public static IReadOnlyList<string> Of(string text)
    {
        var parts = Separators().Split(text)
            .Select(p => p.Trim(' ', '，', ',', '：', ':', '；', ';', '、', '。'))
            .Where(p => p.Count(IsHan) >= MinPartLength && QuestionCues.Any(c => p.Contains(c, StringComparison.Ordinal)))
            .Distinct(StringComparer.Ordinal)
            .Take(MaxParts)
            .ToList();
        return parts.Count >= 2 ? parts : [];
    }

    private static bool IsHan(char c) => c is >= '\u4e00' and <= '\u9fff';

    // Question marks, and enumerations: "1." "2、" "（3）" "①" "第二，" "另外" "还有就是".
    [GeneratedRegex(@"(?:^|[？?\s，,。；;：:]+)(?:[（(]?[1-9][)）.、．]|[①②③④⑤]|第[一二三四五][，,、]|[一二三四五][、.．])|[？?]+|另外|还有就是|还想问|再问一下|顺便问")]
    private static partial Regex Separators();
}
