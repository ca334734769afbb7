using System.Text;

namespace LegalBot.Knowledge.Import;

/// <summary>Saves Markdown into the knowledge folder, confined to it, and atomically so a watcher never indexes half a file.</summary>
public static class KnowledgeFileWriter
{
    /// <returns>The full path written.</returns>
    /// <exception cref="ArgumentException">The path is not allowed (see <see cref="KnowledgePaths"/>).</exception>
    /// <exception cref="IOException">The file exists and <paramref name="overwrite"/> is false.</exception>
    public static async Task<string> WriteAsync(string root, string relativePath, string markdown, bool overwrite, CancellationToken cancellationToken)
    {
        var full = KnowledgePaths.Resolve(root, relativePath) ?? throw new ArgumentException(ImportTexts.BadPath(relativePath));
        if (!overwrite && File.Exists(full)) throw new IOException(ImportTexts.FileExists(relativePath));
        var folder = Path.GetDirectoryName(full)!;
        Directory.CreateDirectory(folder);
        // A hidden .tmp name: the folder listing skips it until it is moved over the target.
        var temp = Path.Combine(folder, "." + Path.GetFileName(full) + "." + Guid.NewGuid().ToString("N")[..8] + ".tmp");
        try
        {
            await File.WriteAllBytesAsync(temp, Encoding.UTF8.GetBytes(markdown), cancellationToken).ConfigureAwait(false);
            File.Move(temp, full, overwrite);
        }
        finally
        {
            if (File.Exists(temp)) File.Delete(temp);
        }
        return full;
    }
}
