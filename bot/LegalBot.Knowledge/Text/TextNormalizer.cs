using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace LegalBot.Knowledge.Text;

/// <summary>
/// The one normalisation used for both indexing and querying, so that both sides agree on every term:
/// full-/half-width folding, lower case, punctuation to spaces, article labels to their canonical
/// Chinese form and other Arabic numbers to Chinese numerals (statutes write 三十日, citizens write 30天).
/// </summary>
public static partial class TextNormalizer
{
    public static string Normalize(string text)
    {
        if (string.IsNullOrEmpty(text)) return string.Empty;
        // Width folding by hand rather than NFKC: it must not depend on ICU being present.
        var s = FoldWidth(text).ToLowerInvariant();
        s = ArticleLabel.Canonicalize(s);
        s = ArabicNumber().Replace(s, m =>
            int.TryParse(m.ValueSpan, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n < 100_000_000
                ? ChineseNumerals.ToChinese(n)
                : m.Value);
        var sb = new StringBuilder(s.Length);
        var lastSpace = true;
        foreach (var c in s)
        {
            var keep = IsCjk(c) || char.IsLetterOrDigit(c);
            if (keep)
            {
                sb.Append(TraditionalToSimplified(c));
                lastSpace = false;
            }
            else if (!lastSpace)
            {
                sb.Append(' ');
                lastSpace = true;
            }
        }
        if (sb.Length > 0 && sb[^1] == ' ') sb.Length--;
        return sb.ToString();
    }

    /// <summary>Full-width ASCII (Ａ, １, ！) to half-width; the ideographic space to a space.</summary>
    public static string FoldWidth(string text) =>
        string.Create(text.Length, text, static (span, source) =>
        {
            for (var i = 0; i < source.Length; i++)
            {
                var c = source[i];
                span[i] = c switch
                {
                    >= '\uff01' and <= '\uff5e' => (char)(c - 0xfee0),
                    '\u3000' => ' ',
                    _ => c,
                };
            }
        });

    /// <summary>CJK unified ideographs (basic block and extension A), plus 〇.</summary>
    public static bool IsCjk(char c) => c is >= '\u4e00' and <= '\u9fff' or >= '\u3400' and <= '\u4dbf' or '〇';

    /// <summary>
    /// A question without the phone, ID and card numbers in it: nobody's quantity, as numerals they would match
    /// statutes' 一百三十八 and 三十日. Queries only (an intake answer is a phone number and must stay one).
    /// </summary>
    public static string WithoutIdentifiers(string text) => Identifier().Replace(FoldWidth(text), " ");

    // Mobile numbers (+86 138-1234-5678), landlines (0371-12345678), and runs of nine or more digits (ID, bank card, 18-digit ID ending in x).
    [GeneratedRegex(@"(?:\+?86[- ]?)?(?<![0-9])1[3-9][0-9](?:[- ]?[0-9]{4}){2}(?![0-9])|(?<![0-9])0[0-9]{2,3}-[0-9]{7,8}(?![0-9])|(?<![0-9a-z])[0-9]{9,}x?(?![0-9a-z])")]
    private static partial Regex Identifier();

    // Arabic numbers standing alone (not inside a Latin word such as "b2b" or a decimal such as "1.5").
    [GeneratedRegex(@"(?<![0-9a-z.])[0-9]{1,8}(?![0-9a-z]|\.[0-9])")]
    private static partial Regex ArabicNumber();

    // Cheap traditional -> simplified folding for characters common in legal questions; a full
    // conversion table would need a dictionary we do not ship.
    private const string Traditional = "們個這為麼來時後說對開關國學實現發動點還讓與從會問請應給錢買賣婚離撫養費權條約勞動僱傭資薪債務償證據訴訟法院辦調處罰賠償損險醫療車禍傷殘鄰陽臺產繼遺囑認書體護監親屬經濟難援助";
    private const string Simplified  = "们个这为么来时后说对开关国学实现发动点还让与从会问请应给钱买卖婚离抚养费权条约劳动雇佣资薪债务偿证据诉讼法院办调处罚赔偿损险医疗车祸伤残邻阳台产继遗嘱认书体护监亲属经济难援助";

    private static readonly Dictionary<char, char> TraditionalMap = BuildTraditionalMap();

    private static Dictionary<char, char> BuildTraditionalMap()
    {
        var map = new Dictionary<char, char>();
        for (var i = 0; i < Traditional.Length; i++)
            if (Traditional[i] != Simplified[i]) map[Traditional[i]] = Simplified[i];
        return map;
    }

    private static char TraditionalToSimplified(char c) => TraditionalMap.TryGetValue(c, out var s) ? s : c;

    /// <summary>The cheap traditional → simplified folding of one character (see <see cref="Normalize"/>).</summary>
    public static char ToSimplified(char c) => TraditionalToSimplified(c);

    /// <summary>Width folding, lower case, traditional → simplified, letters/digits/CJK only (how short messages are compared).</summary>
    public static string Compact(string text)
    {
        var folded = FoldWidth(text).ToLowerInvariant();
        var chars = new char[folded.Length];
        var n = 0;
        foreach (var c in folded)
            if (IsCjk(c) || char.IsLetterOrDigit(c)) chars[n++] = ToSimplified(c);
        return new string(chars, 0, n);
    }
}
