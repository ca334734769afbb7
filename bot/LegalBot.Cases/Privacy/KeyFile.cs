using System.Security.Cryptography;

namespace LegalBot.Cases.Privacy;

/// <summary>A random secret kept in a file under the data directory (owner read/write only), created on first use.</summary>
public static class KeyFile
{
    public const int KeySize = 32;

    /// <returns>The key and whether it was created just now.</returns>
    /// <exception cref="InvalidDataException">The file exists but does not hold a key: never silently replaced, data encrypted with it would be lost.</exception>
    public static async Task<(byte[] Key, bool Created)> LoadOrCreateAsync(string path, CancellationToken cancellationToken)
    {
        if (File.Exists(path))
        {
            var text = (await File.ReadAllTextAsync(path, cancellationToken).ConfigureAwait(false)).Trim();
            try
            {
                var existing = Convert.FromBase64String(text);
                if (existing.Length == KeySize) return (existing, false);
            }
            catch (FormatException) { }
            throw new InvalidDataException($"{path} does not hold a base64 {KeySize}-byte key; restore it from backup (it is not replaced automatically)");
        }
        return (await CreateAsync(path, cancellationToken).ConfigureAwait(false), true);
    }

    /// <summary>Writes a new random key to <paramref name="path"/> (0600, never over an existing file).</summary>
    public static async Task<byte[]> CreateAsync(string path, CancellationToken cancellationToken)
    {
        var key = RandomNumberGenerator.GetBytes(KeySize);
        var temp = path + ".tmp";
        DataFiles.EnsurePrivate(temp);
        await File.WriteAllTextAsync(temp, Convert.ToBase64String(key), cancellationToken).ConfigureAwait(false);
        File.Move(temp, path, overwrite: false);
        return key;
    }
}
