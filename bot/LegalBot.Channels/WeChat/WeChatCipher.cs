using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace LegalBot.Channels.WeChat;

/// <summary>Why an encrypted WeChat message could not be opened.</summary>
public sealed class WeChatCryptoException(string message) : Exception(message);

/// <summary>
/// WeChat / WeCom message encryption ("安全模式"): AES-256-CBC, key = Base64(EncodingAESKey + "="), IV = key[0..16],
/// plaintext = random(16) + uint32 big-endian length + message + receive id, padded PKCS#7-style to a
/// <b>32-byte</b> block. Padding is done by hand: .NET's PKCS7 mode rejects pad bytes above 16, which real
/// WeChat ciphertexts use.
/// </summary>
public sealed class WeChatCipher
{
    private const int BlockSize = 32;
    private readonly byte[] _key;
    private readonly string _receiveId;

    /// <param name="encodingAesKey">The 43-character EncodingAESKey from the platform's settings.</param>
    /// <param name="receiveId">AppID (Official Account) or CorpID (WeCom app): decrypted messages must name it.</param>
    public WeChatCipher(string encodingAesKey, string receiveId)
    {
        if (!IsValidKey(encodingAesKey)) throw new ArgumentException("EncodingAESKey must be 43 base64 characters (32 bytes)", nameof(encodingAesKey));
        _key = Convert.FromBase64String(encodingAesKey + "=");
        _receiveId = receiveId;
    }

    public static bool IsValidKey(string? encodingAesKey)
    {
        if (encodingAesKey is not { Length: 43 }) return false;
        Span<byte> buffer = stackalloc byte[33];
        return Convert.TryFromBase64String(encodingAesKey + "=", buffer, out var written) && written == 32;
    }

    /// <summary>Decrypts a base64 Encrypt field (or WeCom echostr) and checks that it was meant for this account.</summary>
    public string Decrypt(string base64)
    {
        byte[] cipher;
        try
        {
            cipher = Convert.FromBase64String(base64);
        }
        catch (FormatException)
        {
            throw new WeChatCryptoException("Encrypt is not base64");
        }
        if (cipher.Length == 0 || cipher.Length % 16 != 0) throw new WeChatCryptoException("ciphertext length is not a whole number of AES blocks");

        using var aes = Aes.Create();
        aes.Key = _key;
        var plain = aes.DecryptCbc(cipher, _key.AsSpan(0, 16), PaddingMode.None);
        int pad = plain[^1];
        if (pad is < 1 or > BlockSize || pad > plain.Length) throw new WeChatCryptoException("bad padding");
        var content = plain.AsSpan(0, plain.Length - pad);
        if (content.Length < 20) throw new WeChatCryptoException("plaintext too short");
        var length = BinaryPrimitives.ReadUInt32BigEndian(content.Slice(16, 4));
        if (length > content.Length - 20) throw new WeChatCryptoException("message length exceeds the plaintext");
        var message = Encoding.UTF8.GetString(content.Slice(20, (int)length));
        var receiveId = Encoding.UTF8.GetString(content[(20 + (int)length)..]);
        if (!string.Equals(receiveId, _receiveId, StringComparison.Ordinal))
            throw new WeChatCryptoException("message is for another account (receive id does not match)");
        return message;
    }

    public string Encrypt(string message) => Encrypt(message, RandomNumberGenerator.GetBytes(16));

    /// <summary>Encrypts with a given 16-byte random prefix (tests reproduce published vectors with it).</summary>
    public string Encrypt(string message, ReadOnlySpan<byte> random)
    {
        if (random.Length != 16) throw new ArgumentException("the random prefix is 16 bytes", nameof(random));
        var body = Encoding.UTF8.GetBytes(message);
        var id = Encoding.UTF8.GetBytes(_receiveId);
        var unpadded = 20 + body.Length + id.Length;
        var pad = BlockSize - unpadded % BlockSize;
        var plain = new byte[unpadded + pad];
        random.CopyTo(plain);
        BinaryPrimitives.WriteUInt32BigEndian(plain.AsSpan(16, 4), (uint)body.Length);
        body.CopyTo(plain, 20);
        id.CopyTo(plain, 20 + body.Length);
        plain.AsSpan(unpadded).Fill((byte)pad);
        using var aes = Aes.Create();
        aes.Key = _key;
        return Convert.ToBase64String(aes.EncryptCbc(plain, _key.AsSpan(0, 16), PaddingMode.None));
    }
}
