using System.Text.RegularExpressions;
using LegalBot.Knowledge.Text;

namespace LegalBot.Conversation.Intake;

/// <summary>Reading typed answers: options by text or number, names, mobile numbers, yes/no. Pure functions.</summary>
public static partial class IntakeInput
{
    /// <summary>Width-folded, lower case, without spaces and punctuation: what answers are compared on.</summary>
    public static string Compact(string text)
    {
        var folded = TextNormalizer.FoldWidth(text).ToLowerInvariant();
        return new string(folded.Where(c => char.IsLetterOrDigit(c) || TextNormalizer.IsCjk(c)).ToArray());
    }

    /// <summary>The index of the option the answer picks: its number (1-based), its exact text, or one unambiguous option containing the answer.</summary>
    public static int? MatchOption(string answer, IReadOnlyList<string> options)
    {
        var a = Compact(answer);
        if (a.Length == 0) return null;
        if (int.TryParse(a, out var n) && n >= 1 && n <= options.Count) return n - 1;
        var compact = options.Select(Compact).ToList();
        var exact = compact.IndexOf(a);
        if (exact >= 0) return exact;
        var containing = compact.Select((o, i) => (o, i)).Where(x => a.Length >= 2 && x.o.Contains(a, StringComparison.Ordinal)).ToList();
        if (containing.Count == 1) return containing[0].i;
        var contained = compact.Select((o, i) => (o, i)).Where(x => x.o.Length >= 2 && a.Contains(x.o, StringComparison.Ordinal)).ToList();
        return contained.Count == 1 ? contained[0].i : null;
    }

    public static bool IsOneOf(string answer, IEnumerable<string> phrases)
    {
        var a = Compact(answer);
        return a.Length > 0 && phrases.Any(p => Compact(p) == a);
    }

    /// <summary>Questions asked in the middle of a dialog ("要带什么材料？") are answered, not taken as the answer.</summary>
    public static bool LooksLikeQuestion(string text)
    {
        var t = text.Trim();
        if (t.EndsWith('?') || t.EndsWith('？')) return true;
        var a = Compact(t);
        return QuestionWords.Any(w => a.Contains(w, StringComparison.Ordinal)) || a.EndsWith('吗') || a.EndsWith('呢');
    }

    private static readonly string[] QuestionWords = ["怎么", "如何", "什么", "哪里", "哪儿", "哪些", "多少", "多久", "能不能", "可不可以", "是否", "为什么", "有没有", "要不要"];

    /// <summary>A mainland mobile number in any common spelling (spaces, dashes, +86, full-width digits), or null.</summary>
    public static string? ParseMobile(string text)
    {
        var digits = new string(TextNormalizer.FoldWidth(text).Where(c => !char.IsWhiteSpace(c) && c is not '-' and not '(' and not ')').ToArray());
        if (digits.StartsWith("+86", StringComparison.Ordinal)) digits = digits[3..];
        else if (digits.Length == 13 && digits.StartsWith("86", StringComparison.Ordinal)) digits = digits[2..];
        return Mobile().IsMatch(digits) ? digits : null;
    }

    /// <summary>A person's name ("我叫张三" → 张三), or null when it cannot be one.</summary>
    public static string? ParseName(string text)
    {
        var t = TextNormalizer.FoldWidth(text).Trim().TrimEnd('。', '.', '!', '！');
        foreach (var prefix in NamePrefixes)
            if (t.StartsWith(prefix, StringComparison.Ordinal)) { t = t[prefix.Length..].Trim(); break; }
        return Name().IsMatch(t) && !LooksLikeQuestion(t) ? t : null;
    }

    private static readonly string[] NamePrefixes = ["我的名字是", "我的名字叫", "我叫", "我是", "名字是", "姓名是", "姓名", "叫我"];

    // Place-name endings: 东关村, 城关镇, 青山乡, 人民路, 幸福小区.
    private static readonly string[] PlaceEndings = ["村", "镇", "乡", "街道", "社区", "小区", "县", "区", "市", "省", "组", "屯", "寨", "路", "街", "巷", "庄"];

    /// <summary>A two-to-five character answer ending like a place name (东关村, 城关镇): not a person's name.</summary>
    public static bool LooksLikePlace(string name) =>
        name.Length is >= 2 and <= 8 && PlaceEndings.Any(e => name.EndsWith(e, StringComparison.Ordinal) && name.Length > e.Length + 1);

    private static readonly string[] OutsideMarkers =
        ["外省", "外地", "外县", "外市", "不是本地", "不在本地", "不是本县", "不在本县", "不是这里", "不在这里", "不是你们这", "不在你们这", "其他县", "别的县", "别的地方", "外面打工", "在外打工", "省", "市", "自治区"];

    /// <summary>The citizen says they live or the matter is outside the county (我在外省打工, 我是广州市的).</summary>
    public static bool SaysOutsideCounty(string text)
    {
        var t = Compact(text);
        return OutsideMarkers.Any(m => t.Contains(m, StringComparison.Ordinal));
    }

    [GeneratedRegex(@"^1[3-9]\d{9}$")]
    private static partial Regex Mobile();

    [GeneratedRegex(@"^[\p{IsCJKUnifiedIdeographs}A-Za-z][\p{IsCJKUnifiedIdeographs}A-Za-z·• ]{1,19}$")]
    private static partial Regex Name();
}
