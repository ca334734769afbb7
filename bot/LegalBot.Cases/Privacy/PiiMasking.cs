using System.Text.RegularExpressions;

namespace LegalBot.Cases.Privacy;

/// <summary>
/// Masks personal numbers in free text: mainland mobile numbers (with or without +86/0086/86, with dashes or
/// spaces), 18- and 15-digit resident ID numbers and bank card numbers. Logs, staff views and stored questions
/// must never carry them in full.
/// </summary>
public static partial class PiiMasking
{
    /// <summary>138****5678 for a bare mobile number (or any text holding one).</summary>
    public static string MaskMobile(string mobile) =>
        mobile.Length >= 7 && mobile.All(char.IsAsciiDigit) ? mobile[..3] + new string('*', mobile.Length - 7) + mobile[^4..] : Mask(mobile);

    /// <summary>张* / 欧阳** : the family name only.</summary>
    public static string MaskName(string name) => name.Length <= 1 ? "*" : name[..1] + new string('*', Math.Min(name.Length - 1, 3));

    public static string Mask(string text)
    {
        if (string.IsNullOrEmpty(text) || !text.Any(char.IsAsciiDigit)) return text;
        // Longest patterns first: an 18-digit ID would otherwise look like a bank card, a card like a phone.
        text = IdNumber18().Replace(text, m => KeepEnds(m.Value, 4, 4));
        text = BankCard().Replace(text, m => KeepEnds(Digits(m.Value), 4, 4));
        text = IdNumber15().Replace(text, m => KeepEnds(m.Value, 4, 4));
        return Mobile().Replace(text, m =>
        {
            var digits = Digits(m.Groups["number"].Value);
            return digits[..3] + "****" + digits[^4..];
        });
    }

    private static string Digits(string s) => new(s.Where(char.IsAsciiDigit).ToArray());

    private static string KeepEnds(string s, int head, int tail) =>
        s.Length <= head + tail ? new string('*', s.Length) : s[..head] + new string('*', s.Length - head - tail) + s[^tail..];

    // 18-digit resident ID (last char may be X), not inside a longer number.
    [GeneratedRegex(@"(?<![\dA-Za-z])\d{17}[\dXx](?![\dA-Za-z])")]
    private static partial Regex IdNumber18();

    // First-generation 15-digit resident ID.
    [GeneratedRegex(@"(?<!\d)\d{15}(?!\d)")]
    private static partial Regex IdNumber15();

    // Bank cards: 16 to 19 digits, as typed with or without spaces/dashes between groups.
    [GeneratedRegex(@"(?<!\d)(?:\d{16,19}|\d{4}(?:[ \-]\d{4}){3}(?:[ \-]?\d{1,3})?)(?!\d)")]
    private static partial Regex BankCard();

    // 11-digit mobile 1[3-9]…, optionally +86 / 0086 / 86 first, digits optionally grouped by spaces or dashes (138-1234-5678).
    [GeneratedRegex(@"(?<![\d+])(?:(?:\+|00)?86[ \-]?)?(?<number>1[3-9]\d(?:[ \-]?\d){8})(?![\d])")]
    private static partial Regex Mobile();
}
