namespace LegalBot.Knowledge.Import;

/// <summary>
/// Where an imported file may go: a relative <c>.md</c> path inside the knowledge folder. Everything a browser or a
/// command line might send (<c>..</c>, absolute paths, backslashes, hidden folders, odd characters) is refused, not repaired.
/// </summary>
public static class KnowledgePaths
{
    public const int MaxLength = 200;
    private static readonly char[] Forbidden = [.. Path.GetInvalidFileNameChars(), ':', '*', '?', '"', '<', '>', '|', '\\'];

    /// <summary>The full path of <paramref name="relativePath"/> under <paramref name="root"/>, or null when it is not allowed.</summary>
    public static string? Resolve(string root, string? relativePath)
    {
        if (!IsAllowed(relativePath)) return null;
        var full = Path.GetFullPath(Path.Combine(root, relativePath!));
        var rootFull = Path.GetFullPath(root).TrimEnd(Path.DirectorySeparatorChar) + Path.DirectorySeparatorChar;
        return full.StartsWith(rootFull, StringComparison.Ordinal) ? full : null;
    }

    public static bool IsAllowed(string? relativePath)
    {
        if (string.IsNullOrWhiteSpace(relativePath) || relativePath.Length > MaxLength) return false;
        if (Path.IsPathRooted(relativePath) || relativePath.StartsWith('/') || relativePath.Contains('\\')) return false;
        if (!relativePath.EndsWith(".md", StringComparison.OrdinalIgnoreCase)) return false;
        var segments = relativePath.Split('/');
        return segments.All(s => s.Length > 0 && s.Trim() == s && !s.StartsWith('.') && s.IndexOfAny(Forbidden) < 0 && !s.Any(char.IsControl))
            // The root's README.md and site.md are not knowledge documents.
            && !(segments.Length == 1 && segments[0] is "README.md" or "site.md");
    }

    /// <summary>A file name from a title: characters a path may not hold become '-', and it is cut to a sane length.</summary>
    public static string FileName(string title)
    {
        var chars = title.Trim().Select(c => Array.IndexOf(Forbidden, c) >= 0 || c == '/' || char.IsWhiteSpace(c) || char.IsControl(c) ? '-' : c).ToArray();
        var name = new string(chars).Trim('-', '.');
        if (name.Length > 60) name = name[..60];
        return (name.Length == 0 ? "imported" : name) + ".md";
    }
}
