namespace LegalBot.Knowledge.Documents;

public sealed record KnowledgeFile(string RelativePath, string FullPath, long Length);

/// <summary>The Markdown files of a knowledge folder, and the entries refused (with the reason, as problems).</summary>
public sealed record FolderListing(IReadOnlyList<KnowledgeFile> Files, IReadOnlyList<KnowledgeDiagnostic> Refused);

/// <summary>The layout of a knowledge folder: Markdown files anywhere below it, plus <c>synonyms.txt</c> at its root.</summary>
public static class KnowledgeFolder
{
    public const string SynonymsFileName = "synonyms.txt";

    /// <summary>
    /// Markdown files below <paramref name="root"/>, sorted, skipping hidden folders, a root README.md and site.md. A link
    /// (file or folder) whose target lies outside the folder is refused: its content would be served as knowledge.
    /// A file over the size limit is refused unread.
    /// </summary>
    public static FolderListing EnumerateDocuments(string root, KnowledgeLimits? limits = null)
    {
        limits ??= KnowledgeLimits.Default;
        if (!Directory.Exists(root)) throw new DirectoryNotFoundException($"knowledge folder not found: {root}");
        var full = Path.GetFullPath(root);
        var realRoot = RealPath(full);
        var files = new List<KnowledgeFile>();
        var refused = new List<KnowledgeDiagnostic>();
        var pending = new Stack<string>([full]);
        while (pending.Count > 0)
        {
            var dir = pending.Pop();
            foreach (var entry in new DirectoryInfo(dir).EnumerateFileSystemInfos("*", new EnumerationOptions
                     { AttributesToSkip = FileAttributes.Hidden | FileAttributes.System, IgnoreInaccessible = true }))
            {
                var relative = Path.GetRelativePath(full, entry.FullName).Replace('\\', '/');
                if (entry.Name.StartsWith('.')) continue;
                var isDirectory = entry is DirectoryInfo;
                if (!isDirectory && !entry.Name.EndsWith(".md", StringComparison.OrdinalIgnoreCase)) continue;
                if (entry.LinkTarget is not null && !Inside(realRoot, RealPath(entry.FullName)))
                {
                    refused.Add(new(relative, 1, "link to a path outside the knowledge folder: refused (copy the file in instead)"));
                    continue;
                }
                if (isDirectory)
                {
                    // A folder link inside the folder would list files twice (or loop): links are followed only for files.
                    if (entry.LinkTarget is null) pending.Push(entry.FullName);
                    continue;
                }
                // README.md is for staff; site.md holds the county's settings (Site/SiteSettings), not knowledge.
                if (string.Equals(relative, "README.md", StringComparison.OrdinalIgnoreCase)
                    || string.Equals(relative, Site.SiteSettings.FileName, StringComparison.OrdinalIgnoreCase)) continue;
                var length = new FileInfo(entry.FullName).Length;
                if (length > limits.MaxFileBytes)
                {
                    refused.Add(new(relative, 1, $"file is {length / 1024} KB, over the {limits.MaxFileBytes / 1024} KB limit (Knowledge:MaxFileBytes): refused unread; split it"));
                    continue;
                }
                files.Add(new KnowledgeFile(relative, entry.FullName, length));
            }
        }
        files.Sort((a, b) => string.CompareOrdinal(a.RelativePath, b.RelativePath));
        refused.Sort((a, b) => string.CompareOrdinal(a.Path, b.Path));
        return new FolderListing(files, refused);
    }

    public static string SynonymsPath(string root) => Path.Combine(root, SynonymsFileName);

    /// <summary>The path with every link resolved (a dangling link resolves to its own path).</summary>
    private static string RealPath(string path)
    {
        try
        {
            var info = new FileInfo(path);
            var target = info.Exists || Directory.Exists(path) ? info.ResolveLinkTarget(returnFinalTarget: true) : null;
            var resolved = target?.FullName ?? path;
            // A link may sit in a linked folder: resolve the parent too.
            var parent = Path.GetDirectoryName(resolved);
            return parent is null || parent == resolved ? resolved : Path.Combine(RealDirectory(parent), Path.GetFileName(resolved));
        }
        catch (IOException)
        {
            return path;
        }
    }

    private static string RealDirectory(string dir)
    {
        var info = new DirectoryInfo(dir);
        if (info.LinkTarget is not null && info.ResolveLinkTarget(returnFinalTarget: true) is { } target) return RealDirectory(target.FullName);
        return info.Parent is null ? info.FullName : Path.Combine(RealDirectory(info.Parent.FullName), info.Name);
    }

    private static bool Inside(string root, string path)
    {
        var r = root.TrimEnd(Path.DirectorySeparatorChar) + Path.DirectorySeparatorChar;
        return path.StartsWith(r, StringComparison.Ordinal);
    }
}
