using System.Security.Cryptography;
using System.Text.RegularExpressions;

namespace LegalBot.Cases;

/// <summary>
/// Human-readable case references such as <c>FY-261122-K7M3</c>: a kind prefix (法援 FY, 调解 TJ), the filing
/// date and four characters from an alphabet without look-alikes (no 0/O, 1/I/L), so they read well over the phone.
/// </summary>
public static partial class ReferenceNumbers
{
    private const string Alphabet = "23456789ABCDEFGHJKMNPQRSTUVWXYZ";

    public static string New(CaseKind kind, DateTimeOffset at)
    {
        Span<char> tail = stackalloc char[4];
        for (var i = 0; i < tail.Length; i++) tail[i] = Alphabet[RandomNumberGenerator.GetInt32(Alphabet.Length)];
        return $"{(kind == CaseKind.LegalAid ? "FY" : "TJ")}-{at.UtcDateTime:yyMMdd}-{tail}";
    }

    /// <summary>Finds a reference in what a citizen typed (any case, full-width or spaced dashes tolerated).</summary>
    public static string? Find(string text)
    {
        var folded = new string(text.Select(c => c is >= '\uFF01' and <= '\uFF5E' ? (char)(c - 0xFEE0) : c).ToArray()).ToUpperInvariant();
        var m = Pattern().Match(folded);
        return m.Success ? $"{m.Groups[1].Value}-{m.Groups[2].Value}-{m.Groups[3].Value}" : null;
    }

    [GeneratedRegex(@"(?<![A-Z0-9])(FY|TJ)\s*[-－—_ ]?\s*(\d{6})\s*[-－—_ ]?\s*([2-9A-HJKMNP-Z]{4})(?![A-Z0-9])")]
    private static partial Regex Pattern();
}
