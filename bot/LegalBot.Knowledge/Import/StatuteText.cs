using System.Text.RegularExpressions;

namespace LegalBot.Knowledge.Import;

/// <summary>The structure words of a Chinese statute as they appear in Word and PDF texts: 第X编/章/节 headings and 第X条 articles.</summary>
public static partial class StatuteText
{
    /// <summary>An article: its label (第十条, 第十条之一) and the text after it (may be empty when the label stands alone).</summary>
    public static bool TryArticle(string paragraph, out string label, out string rest)
    {
        var m = Article().Match(paragraph);
        label = m.Success ? m.Groups["label"].Value : "";
        rest = m.Success ? m.Groups["rest"].Value.Trim() : "";
        return m.Success;
    }

    /// <summary>A 编/章/节 heading: its Markdown level (编 1, 章 2, 节 3) and its text with one space after the number.</summary>
    public static bool TryDivision(string paragraph, out int level, out string heading)
    {
        var m = Division().Match(paragraph);
        level = 0;
        heading = "";
        if (!m.Success) return false;
        level = m.Groups["unit"].Value switch { "编" or "分编" => 1, "章" => 2, _ => 3 };
        var name = m.Groups["name"].Value.Trim();
        heading = name.Length == 0 ? m.Groups["number"].Value : m.Groups["number"].Value + " " + name;
        return true;
    }

    public static bool StartsStructure(string line) => Article().IsMatch(line) || Division().IsMatch(line);

    /// <summary>Enactment and amendment dates (2012年12月28日) in the history lines before the first article.</summary>
    public static IEnumerable<DateOnly> Dates(string text)
    {
        foreach (Match m in Date().Matches(text))
            if (DateOnly.TryParseExact($"{m.Groups[1].Value}-{m.Groups[2].Value.PadLeft(2, '0')}-{m.Groups[3].Value.PadLeft(2, '0')}", "yyyy-MM-dd",
                    System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.None, out var d))
                yield return d;
    }

    private const string Numeral = "[零〇一二三四五六七八九十百千两0-9０-９]+";

    [GeneratedRegex(@"^(?<label>第" + Numeral + @"条(?:之[一二三四五六七八九十]+)?)(?:[\s\u3000]+|$)(?<rest>[\s\S]*)$")]
    private static partial Regex Article();

    [GeneratedRegex(@"^(?<number>第" + Numeral + @"(?<unit>分编|编|章|节))(?:[\s\u3000]+(?<name>[^。；]{0,40})|(?<name>))$")]
    private static partial Regex Division();

    [GeneratedRegex(@"(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日")]
    private static partial Regex Date();
}
