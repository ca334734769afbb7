using System.Security.Cryptography;
using LegalBot.Knowledge.Documents;

namespace LegalBot.Knowledge.Editing;

/// <summary>
/// Applies staff edits to files of the knowledge folder: paths are confined to the folder (no <c>..</c>, no links
/// out), writes are atomic (a temporary file renamed over the old one, so the watcher never reads half a file),
/// and a file changed on disk between reading and writing is not overwritten (another instance or an editor got
/// there first: the edit is refused, not lost silently). Edits in this process are serialised.
/// </summary>
public sealed class KnowledgeFileEditor(string folder, KnowledgeLimits? limits = null)
{
    private static readonly SemaphoreSlim Gate = new(1, 1);
    private readonly string _root = Path.GetFullPath(folder);

    public string Folder => _root;

    /// <summary>Adds <paramref name="question"/> to the variants of <paramref name="targetId"/> in the file at <paramref name="relativePath"/>.</summary>
    public async Task<AttachResult> AttachQuestionAsync(string relativePath, string targetId, string question, CancellationToken cancellationToken)
    {
        var full = Resolve(relativePath) ?? throw new ArgumentException($"'{relativePath}' is not a Markdown file inside the knowledge folder", nameof(relativePath));
        await Gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (!File.Exists(full)) return new AttachResult(AttachStatus.UnknownTarget);
            var before = await File.ReadAllBytesAsync(full, cancellationToken).ConfigureAwait(false);
            var result = QuestionVariantEditor.Attach(relativePath, before, targetId, question, limits);
            if (result.Status == AttachStatus.Added) await ReplaceAsync(full, before, result.Content!, cancellationToken).ConfigureAwait(false);
            return result;
        }
        finally
        {
            Gate.Release();
        }
    }

    /// <summary>
    /// Writes a new file, or replaces one whose current bytes are <paramref name="expected"/> (null: the file must not exist).
    /// Throws <see cref="KnowledgeEditConflictException"/> when the file is not as expected.
    /// </summary>
    public async Task WriteAsync(string relativePath, byte[]? expected, byte[] content, CancellationToken cancellationToken)
    {
        var full = Resolve(relativePath) ?? throw new ArgumentException($"'{relativePath}' is not a Markdown file inside the knowledge folder", nameof(relativePath));
        await Gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (expected is null && File.Exists(full)) throw new KnowledgeEditConflictException(relativePath);
            await ReplaceAsync(full, expected, content, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            Gate.Release();
        }
    }

    /// <summary>The full path of a relative <c>.md</c> path inside the folder, or null when it would leave the folder.</summary>
    public string? Resolve(string relativePath)
    {
        if (string.IsNullOrWhiteSpace(relativePath) || Path.IsPathRooted(relativePath) || !relativePath.EndsWith(".md", StringComparison.OrdinalIgnoreCase)) return null;
        var full = Path.GetFullPath(Path.Combine(_root, relativePath));
        if (!full.StartsWith(_root + Path.DirectorySeparatorChar, StringComparison.Ordinal)) return null;
        // A symbolic link anywhere on the way could point out of the folder.
        for (var dir = Path.GetDirectoryName(full); dir is not null && dir.Length > _root.Length; dir = Path.GetDirectoryName(dir))
            if (Directory.Exists(dir) && new DirectoryInfo(dir).LinkTarget is not null) return null;
        if (File.Exists(full) && new FileInfo(full).LinkTarget is not null) return null;
        return full;
    }

    private static async Task ReplaceAsync(string full, byte[]? expected, byte[] content, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        var temp = Path.Combine(Path.GetDirectoryName(full)!, "." + Path.GetFileName(full) + "." + Guid.NewGuid().ToString("N")[..8] + ".tmp");
        try
        {
            await File.WriteAllBytesAsync(temp, content, cancellationToken).ConfigureAwait(false);
            if (expected is not null)
            {
                var now = File.Exists(full) ? await File.ReadAllBytesAsync(full, cancellationToken).ConfigureAwait(false) : null;
                if (now is null || !CryptographicOperations.FixedTimeEquals(SHA256.HashData(now), SHA256.HashData(expected)))
                    throw new KnowledgeEditConflictException(full);
            }
            File.Move(temp, full, overwrite: expected is not null);
        }
        finally
        {
            if (File.Exists(temp)) File.Delete(temp);
        }
    }
}

/// <summary>The file changed (or appeared) since it was read: the edit is not applied.</summary>
public sealed class KnowledgeEditConflictException(string path) : IOException($"{path} changed meanwhile; the edit was not applied")
{
    public string FilePath { get; } = path;
}
