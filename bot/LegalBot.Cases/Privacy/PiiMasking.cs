using System.Text.RegularExpressions;

namespace LegalBot.Cases.Privacy;

/// <summary>Masks mainland mobile numbers and resident ID numbers (logs must never carry them in full).</summary>
public static partial class PiiMasking
{
    /// <summary>138****5678 for a bare mobile number (or any text holding one).</summary>
    public static string MaskMobile(string mobile) =>
        mobile.Length >= 7 && mobile.All(char.IsAsciiDigit) ? mobile[..3] + new string('*', mobile.Length - 7) + mobile[^4..] : Mask(mobile);

    /// <summary>张* / 欧阳** : the family name only.</summary>
    public static string MaskName(string name) => name.Length <= 1 ? "*" : name[..1] + new string('*', Math.Min(name.Length - 1, 3));

    public static string Mask(string text)
    {
        if (string.IsNullOrEmpty(text)) return text;
        text = IdNumber().Replace(text, m => m.Value[..4] + new string('*', m.Value.Length - 8) + m.Value[^4..]);
        return Mobile().Replace(text, m => m.Value[..3] + "****" + m.Value[^4..]);
    }

    // 18-digit resident ID (last char may be X), not inside a longer number.
    [GeneratedRegex(@"(?<!\d)\d{17}[\dXx](?!\d)")]
    private static partial Regex IdNumber();

    // 11-digit mobile starting 1[3-9], optionally +86, not inside a longer number.
    [GeneratedRegex(@"(?<!\d)1[3-9]\d{9}(?!\d)")]
    private static partial Regex Mobile();
}
