using System.Security.Cryptography;
using System.Text;

namespace LegalBot.Channels.WeChat;

/// <summary>
/// WeChat's callback signatures: SHA-1 (lowercase hex) over the ordinally sorted, concatenated strings.
/// <c>signature</c> covers token, timestamp and nonce; <c>msg_signature</c> also covers the Encrypt field (or echostr).
/// </summary>
public static class WeChatSignature
{
    public static string Compute(params string[] parts)
    {
        var sorted = (string[])parts.Clone();
        Array.Sort(sorted, StringComparer.Ordinal);
#pragma warning disable CA5350 // SHA-1 is what WeChat's protocol specifies; we only verify its signatures.
        var hash = SHA1.HashData(Encoding.UTF8.GetBytes(string.Concat(sorted)));
#pragma warning restore CA5350
        return Convert.ToHexStringLower(hash);
    }

    /// <summary>Constant-time comparison, so a forger learns nothing from response timing.</summary>
    public static bool Verify(string? presented, params string[] parts)
    {
        if (string.IsNullOrEmpty(presented) || presented.Length != 40) return false;
        var expected = Encoding.ASCII.GetBytes(Compute(parts));
        var given = Encoding.ASCII.GetBytes(presented.ToLowerInvariant());
        return CryptographicOperations.FixedTimeEquals(expected, given);
    }
}
