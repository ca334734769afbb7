using System.Text.RegularExpressions;

namespace LegalBot.Knowledge.Text;

/// <summary>
/// A statute article label such as 第三十一条 or 第二百六十条之一, in its canonical (Chinese numeral) form
/// plus its numeric value for ordering. Accepts Arabic input ("第31条", "第31条之1").
/// </summary>
public readonly partial record struct ArticleLabel(int Number, int Sub)
{
    /// <summary>Canonical label as printed in statutes.</summary>
    public override string ToString() =>
        "第" + ChineseNumerals.ToChinese(Number) + "条" + (Sub > 0 ? "之" + ChineseNumerals.ToChinese(Sub) : "");

    public static bool TryParse(string text, out ArticleLabel label)
    {
        label = default;
        var m = LabelPattern().Match(text.Trim());
        if (!m.Success || m.Length != text.Trim().Length) return false;
        return TryFromMatch(m, out label);
    }

    internal static bool TryFromMatch(Match m, out ArticleLabel label)
    {
        label = default;
        if (!TryNumber(m.Groups["n"].Value, out var n) || n <= 0) return false;
        var sub = 0;
        if (m.Groups["s"].Success && !TryNumber(m.Groups["s"].Value, out sub)) return false;
        label = new ArticleLabel(n, sub);
        return true;
    }

    private static bool TryNumber(string s, out int n) =>
        s.Length > 0 && char.IsAsciiDigit(s[0]) ? int.TryParse(s, out n) : ChineseNumerals.TryParse(s, out n);

    /// <summary>Matches 第X条 / 第X条之Y with Chinese or Arabic numerals, tolerating spaces inside.</summary>
    [GeneratedRegex(@"第\s*(?<n>[0-9]{1,5}|[零〇一二两三四五六七八九十百千万]{1,9})\s*条(?:\s*之\s*(?<s>[0-9]{1,2}|[一二三四五六七八九十]{1,3}))?")]
    internal static partial Regex LabelPattern();

    /// <summary>Every article reference in <paramref name="text"/>, canonical.</summary>
    public static IEnumerable<ArticleLabel> FindAll(string text)
    {
        foreach (Match m in LabelPattern().Matches(text))
        {
            if (TryFromMatch(m, out var label)) yield return label;
        }
    }

    /// <summary>Rewrites every article reference in <paramref name="text"/> to its canonical form.</summary>
    public static string Canonicalize(string text) =>
        LabelPattern().Replace(text, m => TryFromMatch(m, out var l) ? l.ToString() : m.Value);
}
