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
        var key = RandomNumberGenerator.GetBytes(KeySize);
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        var temp = path + ".tmp";
        await File.WriteAllTextAsync(temp, Convert.ToBase64String(key), cancellationToken).ConfigureAwait(false);
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(temp, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        File.Move(temp, path, overwrite: false);
        return (key, true);
    }
}
