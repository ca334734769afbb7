using System.Text.RegularExpressions;

namespace LegalBot.Knowledge.Documents;

/// <summary>Statute naming conventions: 中华人民共和国劳动合同法(2012修正) → 劳动合同法.</summary>
public static partial class LawNames
{
    private const string CountryPrefix = "中华人民共和国";

    public static string Shorten(string title)
    {
        var t = title.Trim();
        if (t.StartsWith(CountryPrefix, StringComparison.Ordinal)) t = t[CountryPrefix.Length..];
        return ParenthesisedSuffix().Replace(t, "").Trim();
    }

    [GeneratedRegex(@"\s*[（(][^（）()]*[)）]\s*$")]
    private static partial Regex ParenthesisedSuffix();
}
