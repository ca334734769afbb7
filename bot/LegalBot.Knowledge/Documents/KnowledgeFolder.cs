namespace LegalBot.Knowledge.Documents;

public sealed record KnowledgeFile(string RelativePath, string FullPath);

/// <summary>The layout of a knowledge folder: Markdown files anywhere below it, plus <c>synonyms.txt</c> at its root.</summary>
public static class KnowledgeFolder
{
    public const string SynonymsFileName = "synonyms.txt";

    /// <summary>Markdown files below <paramref name="root"/>, sorted, skipping hidden folders and a root README.md.</summary>
    public static IReadOnlyList<KnowledgeFile> EnumerateDocuments(string root)
    {
        if (!Directory.Exists(root)) throw new DirectoryNotFoundException($"knowledge folder not found: {root}");
        var full = Path.GetFullPath(root);
        var files = new List<KnowledgeFile>();
        var options = new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = FileAttributes.Hidden | FileAttributes.System, IgnoreInaccessible = true };
        foreach (var path in Directory.EnumerateFiles(full, "*.md", options))
        {
            var relative = Path.GetRelativePath(full, path).Replace('\\', '/');
            if (relative.Split('/').Any(p => p.StartsWith('.'))) continue;
            if (string.Equals(relative, "README.md", StringComparison.OrdinalIgnoreCase)) continue;
            files.Add(new KnowledgeFile(relative, path));
        }
        files.Sort((a, b) => string.CompareOrdinal(a.RelativePath, b.RelativePath));
        return files;
    }

    public static string SynonymsPath(string root) => Path.Combine(root, SynonymsFileName);
}
