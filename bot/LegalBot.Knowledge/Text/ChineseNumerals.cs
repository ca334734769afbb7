using System.Text;

namespace LegalBot.Knowledge.Text;

/// <summary>
/// Converts between Arabic integers and Chinese numerals as printed in statutes
/// ("第一千零八十六条", "第一百一十条", "第十条").
/// </summary>
public static class ChineseNumerals
{
    private const string Digits = "零一二三四五六七八九";
    private static readonly (int Value, char Unit)[] Units = [(10000, '万'), (1000, '千'), (100, '百'), (10, '十')];

    /// <summary>Writes 0 ≤ n &lt; 100,000,000 the way statutes do: 10 → 十, 110 → 一百一十, 1001 → 一千零一.</summary>
    public static string ToChinese(int n)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(n);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(n, 100_000_000);
        if (n == 0) return "零";
        if (n >= 10000)
        {
            var high = ToChinese(n / 10000) + "万";
            var low = n % 10000;
            if (low == 0) return high;
            return high + (low < 1000 ? "零" : "") + ToChineseBelow10000(low, leadingOneOmitted: false);
        }
        return ToChineseBelow10000(n, leadingOneOmitted: true);
    }

    private static string ToChineseBelow10000(int n, bool leadingOneOmitted)
    {
        var sb = new StringBuilder();
        var pendingZero = false;
        foreach (var (value, unit) in Units.AsSpan(1))
        {
            var d = n / value % 10;
            if (d == 0)
            {
                if (sb.Length > 0) pendingZero = true;
                continue;
            }
            if (pendingZero) { sb.Append('零'); pendingZero = false; }
            // "十一" not "一十一" when ten leads the number; "一百一十" keeps its 一.
            if (!(value == 10 && d == 1 && sb.Length == 0 && leadingOneOmitted)) sb.Append(Digits[d]);
            sb.Append(unit);
        }
        var ones = n % 10;
        if (ones != 0)
        {
            if (pendingZero) sb.Append('零');
            sb.Append(Digits[ones]);
        }
        return sb.ToString();
    }

    /// <summary>Parses 一千零八十六, 十一, 两百, 三〇 etc.; returns false for anything else.</summary>
    public static bool TryParse(ReadOnlySpan<char> text, out int value)
    {
        value = 0;
        if (text.IsEmpty) return false;
        if (!text.ContainsAny("十百千万"))
        {
            // Digit-by-digit style: 二〇二一, 三〇.
            long positional = 0;
            foreach (var c in text)
            {
                var d = DigitOf(c);
                if (d < 0) return false;
                positional = positional * 10 + d;
                if (positional > int.MaxValue) return false;
            }
            value = (int)positional;
            return true;
        }
        long total = 0, section = 0, digit = -1;
        foreach (var c in text)
        {
            var d = DigitOf(c);
            if (d >= 0)
            {
                digit = d;
                continue;
            }
            var unit = c switch { '十' => 10, '百' => 100, '千' => 1000, '万' => 10000, _ => 0 };
            if (unit == 0) return false;
            if (unit == 10000)
            {
                section += digit < 0 ? 0 : digit;
                total += (section == 0 ? 1 : section) * 10000;
                section = 0;
            }
            else
            {
                section += (digit < 0 ? 1 : digit) * unit;
            }
            digit = -1;
        }
        if (digit > 0) section += digit;
        total += section;
        if (total > int.MaxValue) return false;
        value = (int)total;
        return true;
    }

    /// <summary>True for characters that may appear inside a Chinese numeral.</summary>
    public static bool IsNumeralChar(char c) => DigitOf(c) >= 0 || c is '十' or '百' or '千' or '万';

    private static int DigitOf(char c) => c switch
    {
        '零' or '〇' => 0,
        '一' => 1,
        '二' or '两' => 2,
        '三' => 3,
        '四' => 4,
        '五' => 5,
        '六' => 6,
        '七' => 7,
        '八' => 8,
        '九' => 9,
        _ => -1,
    };
}
