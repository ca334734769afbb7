using System.Security.Cryptography;
using System.Text;

namespace LegalBot.Cases.Privacy;

/// <summary>Encrypts personal fields before they are stored.</summary>
public interface IFieldProtector
{
    /// <param name="context">Binds the ciphertext to its place (e.g. "case:FY-…:mobile"), so values cannot be swapped between rows.</param>
    string Protect(string plaintext, string context);

    /// <exception cref="CryptographicException">The value was tampered with, or encrypted with another key.</exception>
    string Unprotect(string protectedValue, string context);
}

/// <summary>
/// AES-256-GCM with a random 96-bit nonce per value. Stored form: <c>v1.</c> + base64(nonce ‖ ciphertext ‖ tag).
/// The version prefix leaves room for key rotation.
/// </summary>
public sealed class AesGcmFieldProtector : IFieldProtector
{
    public const int KeySize = 32;
    private const string Prefix = "v1.";
    private const int NonceSize = 12;
    private const int TagSize = 16;
    private readonly byte[] _key;

    public AesGcmFieldProtector(byte[] key)
    {
        if (key.Length != KeySize) throw new ArgumentException($"the encryption key must be {KeySize} bytes (base64 of 32 random bytes)", nameof(key));
        _key = key.ToArray();
    }

    /// <summary>Parses a base64 key as configured (<c>Cases__EncryptionKey</c>).</summary>
    public static AesGcmFieldProtector FromBase64(string key)
    {
        byte[] bytes;
        try { bytes = Convert.FromBase64String(key.Trim()); }
        catch (FormatException) { throw new ArgumentException("the encryption key is not valid base64", nameof(key)); }
        return new AesGcmFieldProtector(bytes);
    }

    public static bool IsValidKey(string base64)
    {
        try { return Convert.FromBase64String(base64.Trim()).Length == KeySize; }
        catch (FormatException) { return false; }
    }

    public static string NewKey() => Convert.ToBase64String(RandomNumberGenerator.GetBytes(KeySize));

    public string Protect(string plaintext, string context)
    {
        var plain = Encoding.UTF8.GetBytes(plaintext);
        var output = new byte[NonceSize + plain.Length + TagSize];
        var nonce = output.AsSpan(0, NonceSize);
        RandomNumberGenerator.Fill(nonce);
        using var aes = new AesGcm(_key, TagSize);
        aes.Encrypt(nonce, plain, output.AsSpan(NonceSize, plain.Length), output.AsSpan(NonceSize + plain.Length), Encoding.UTF8.GetBytes(context));
        return Prefix + Convert.ToBase64String(output);
    }

    public string Unprotect(string protectedValue, string context)
    {
        if (!protectedValue.StartsWith(Prefix, StringComparison.Ordinal)) throw new CryptographicException("not an encrypted field value");
        byte[] data;
        try { data = Convert.FromBase64String(protectedValue[Prefix.Length..]); }
        catch (FormatException) { throw new CryptographicException("encrypted field value is not valid base64"); }
        if (data.Length < NonceSize + TagSize) throw new CryptographicException("encrypted field value is too short");
        var cipherLength = data.Length - NonceSize - TagSize;
        var plain = new byte[cipherLength];
        using var aes = new AesGcm(_key, TagSize);
        aes.Decrypt(data.AsSpan(0, NonceSize), data.AsSpan(NonceSize, cipherLength), data.AsSpan(NonceSize + cipherLength), plain, Encoding.UTF8.GetBytes(context));
        return Encoding.UTF8.GetString(plain);
    }
}
