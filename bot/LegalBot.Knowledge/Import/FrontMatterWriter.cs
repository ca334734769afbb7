using System.Text;
using LegalBot.Knowledge.Documents;

namespace LegalBot.Knowledge.Import;

/// <summary>Writes the YAML front matter the parser reads; every value is double-quoted so no text can change the YAML's shape.</summary>
internal static class FrontMatterWriter
{
    public static string Write(string title, DocumentKind kind, string? department = null, DateOnly? effective = null, string? source = null,
        IReadOnlyList<string>? tags = null)
    {
        var yaml = new StringBuilder("---\n");
        yaml.Append("title: ").Append(Quote(title)).Append('\n');
        yaml.Append("kind: ").Append(kind.ToString().ToLowerInvariant()).Append('\n');
        if (department is not null) yaml.Append("department: ").Append(Quote(department)).Append('\n');
        if (effective is { } e) yaml.Append("effective: ").Append(e.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture)).Append('\n');
        if (source is not null) yaml.Append("source: ").Append(Quote(source)).Append('\n');
        if (tags is { Count: > 0 }) yaml.Append("tags: [").Append(string.Join(", ", tags.Select(Quote))).Append("]\n");
        return yaml.Append("---\n\n").ToString();
    }

    private static string Quote(string value) =>
        "\"" + value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal)
            .Replace("\n", " ", StringComparison.Ordinal).Replace("\r", "", StringComparison.Ordinal) + "\"";
}

/// <summary>Source text made safe as Markdown body text: a line cannot turn into a heading, quote, front matter or HTML block.</summary>
internal static class MarkdownText
{
    public static string Line(string text)
    {
        var t = text.Trim();
        if (t.Length == 0) return t;
        return t[0] is '#' or '>' or '<' or '|' or '=' or '`' or '~' || t.StartsWith("---", StringComparison.Ordinal) ? "\\" + t : t;
    }

    /// <summary>One paragraph: inner line breaks kept as Markdown hard breaks.</summary>
    public static string Paragraph(string text) =>
        string.Join("  \n", text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(Line));
}
