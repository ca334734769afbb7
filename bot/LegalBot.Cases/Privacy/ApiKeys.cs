using System.Security.Cryptography;
using System.Text;

namespace LegalBot.Cases.Privacy;

/// <summary>Staff API keys: random secrets handed to workers; configuration keeps only their SHA-256 (they are high-entropy, so no slow hash is needed).</summary>
public static class ApiKeys
{
    private const string Prefix = "sha256:";

    public static string NewKey() => Convert.ToBase64String(RandomNumberGenerator.GetBytes(24)).Replace('+', '-').Replace('/', '_');

    public static string Hash(string key) => Prefix + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)));

    public static bool IsHash(string value) =>
        value.Length == Prefix.Length + 64 && value.StartsWith(Prefix, StringComparison.Ordinal) && value[Prefix.Length..].All(char.IsAsciiHexDigitLower);
}
