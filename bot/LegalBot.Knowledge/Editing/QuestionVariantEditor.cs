using System.Text.RegularExpressions;
using LegalBot.Knowledge.Documents;
using LegalBot.Knowledge.Text;

namespace LegalBot.Knowledge.Editing;

public enum AttachStatus
{
    /// <summary>The question was added; <see cref="AttachResult.Content"/> is the new file.</summary>
    Added,
    /// <summary>The document already has this wording (after normalisation): nothing to write.</summary>
    Duplicate,
    /// <summary>No such document or section in the file.</summary>
    UnknownTarget,
    /// <summary>The question or the file cannot take the edit (see <see cref="AttachResult.Problem"/>).</summary>
    Refused,
}

/// <summary>What attaching a question did. <paramref name="ChunkId"/> is the section or matter it went to.</summary>
public sealed record AttachResult(AttachStatus Status, byte[]? Content = null, string? ChunkId = null, string? Title = null, string? Problem = null);

/// <summary>
/// Adds a citizen's wording to a document's question variants in its knowledge file, touching only the lines it adds:
/// a matter gets a new item at the end of its <c>## 常见问法</c> list (same bullet style); a guide section or statute
/// article a new item under its key of the front matter's <c>questions:</c> mapping (<see cref="ChunkQuestions"/>),
/// the mapping or the front matter created when missing. The edited file is parsed again and must still be a valid
/// document whose chunk carries the new wording; otherwise nothing is written. Pure: bytes in, bytes out.
/// </summary>
public static partial class QuestionVariantEditor
{
    public const int MaxQuestionLength = 200;

    /// <param name="targetId">A chunk id (<c>doc#section</c>), or a document id when the document is one chunk (a matter).</param>
    public static AttachResult Attach(string relativePath, byte[] content, string targetId, string question, KnowledgeLimits? limits = null)
    {
        var wording = Whitespace().Replace(question, " ").Trim();
        if (wording.Length == 0) return new(AttachStatus.Refused, Problem: "empty question");
        if (wording.Length > MaxQuestionLength) return new(AttachStatus.Refused, Problem: $"question over {MaxQuestionLength} characters");

        var parsed = MarkdownDocumentParser.Parse(relativePath, content, limits);
        if (!parsed.Ok) return new(AttachStatus.Refused, Problem: "the file has problems: " + string.Join("; ", parsed.Diagnostics.Take(3)));
        var document = parsed.Document!;
        var chunk = FindChunk(document, targetId);
        if (chunk is null) return new(AttachStatus.UnknownTarget);

        var key = Compact(wording);
        if (chunk.QuestionVariants.Any(v => Compact(v) == key)) return new(AttachStatus.Duplicate, ChunkId: chunk.Id, Title: document.Info.Title);

        var lines = MarkdownLines.Read(content);
        if (lines is null) return new(AttachStatus.Refused, Problem: "not UTF-8");
        var problem = document.Info.Kind == DocumentKind.Matter ? AddToMatter(lines, wording) : AddToFrontMatter(lines, ChunkQuestions.AnchorOf(chunk), wording);
        if (problem is not null) return new(AttachStatus.Refused, Problem: problem);

        var edited = lines.ToBytes();
        var check = MarkdownDocumentParser.Parse(relativePath, edited, limits);
        if (!check.Ok) return new(AttachStatus.Refused, Problem: "the edit would break the file: " + string.Join("; ", check.Diagnostics.Take(3)));
        if (check.Document!.Chunks.FirstOrDefault(c => c.Id == chunk.Id) is not { } after || !after.QuestionVariants.Contains(wording, StringComparer.Ordinal))
            return new(AttachStatus.Refused, Problem: "the file's layout keeps the question from being read back; add it by hand");
        return new(AttachStatus.Added, edited, chunk.Id, document.Info.Title);
    }

    /// <summary>The chunk a target id names: a chunk id, or the only chunk of a one-chunk document (a matter).</summary>
    public static KnowledgeChunk? FindChunk(KnowledgeDocument document, string targetId)
    {
        if (targetId == document.Info.Id) return document.Chunks.Count == 1 ? document.Chunks[0] : null;
        return document.Chunks.FirstOrDefault(c => c.Id == targetId);
    }

    /// <summary>The document id part of a target id.</summary>
    public static string DocumentIdOf(string targetId)
    {
        var hash = targetId.IndexOf('#', StringComparison.Ordinal);
        return hash < 0 ? targetId : targetId[..hash];
    }

    private static string Compact(string s) => StopPhrases.Remove(TextNormalizer.Normalize(s)).Replace(" ", "", StringComparison.Ordinal) is { Length: > 0 } c
        ? c : TextNormalizer.Normalize(s);

    // ---- matters: the 常见问法 list ---------------------------------------------------------------

    private static string? AddToMatter(MarkdownLines file, string wording)
    {
        var lines = file.Lines;
        var start = Math.Max(0, file.FrontMatterEnd() + 1);
        var heading = -1;
        for (var i = start; i < lines.Count && heading < 0; i++)
            if (HeadingLine().Match(lines[i]) is { Success: true } h && MarkdownDocumentParser.CleanHeading(lines[i]) == MatterProfile.QuestionsHeading && h.Groups[1].Length >= 2)
                heading = i;
        if (heading < 0) return $"no '## {MatterProfile.QuestionsHeading}' heading";
        var last = -1;
        for (var i = heading + 1; i < lines.Count && !HeadingLine().IsMatch(lines[i]); i++)
            if (ListItem().IsMatch(lines[i])) last = i;
        var item = Markdown(wording);
        if (last < 0)
        {
            lines.Insert(heading + 1, "- " + item);
            return null;
        }
        var m = ListItem().Match(lines[last]);
        var marker = m.Groups["marker"].Value;
        var next = int.TryParse(marker.TrimEnd('.', ')'), out var n) ? (n + 1) + marker[^1..] : marker;
        lines.Insert(last + 1, m.Groups["indent"].Value + next + m.Groups["gap"].Value + item);
        return null;
    }

    // A list item is one line of text: no line breaks, and nothing Markdown would read as markup at its start.
    private static string Markdown(string wording) => wording[0] is '#' or '>' or '|' ? "\\" + wording : wording;

    // ---- sections and articles: the front matter's questions: mapping ------------------------------

    private static string? AddToFrontMatter(MarkdownLines file, string anchor, string wording)
    {
        var lines = file.Lines;
        var end = file.FrontMatterEnd();
        if (end < 0)
        {
            lines.InsertRange(0, ["---", ChunkQuestions.Key + ":", "  " + Yaml(anchor) + ":", "    - " + Yaml(wording), "---"]);
            return null;
        }
        var top = -1;
        for (var i = 1; i < end; i++)
        {
            if (TopKey().Match(lines[i]) is not { Success: true } k || k.Groups["key"].Value != ChunkQuestions.Key) continue;
            if (k.Groups["rest"].Value.Trim() is { Length: > 0 } rest && !rest.StartsWith('#')) return $"'{ChunkQuestions.Key}:' is written on one line; write one '- …' line per question";
            top = i;
        }
        if (top < 0)
        {
            lines.InsertRange(end, [ChunkQuestions.Key + ":", "  " + Yaml(anchor) + ":", "    - " + Yaml(wording)]);
            return null;
        }
        // The mapping's block: indented (or blank / comment) lines after 'questions:'.
        var blockEnd = top + 1;
        while (blockEnd < end && (lines[blockEnd].Trim().Length == 0 || lines[blockEnd][0] is ' ' or '\t' || lines[blockEnd].TrimStart().StartsWith('#'))) blockEnd++;
        string? keyIndent = null;
        for (var i = top + 1; i < blockEnd; i++)
        {
            if (NestedKey().Match(lines[i]) is not { Success: true } k) continue;
            keyIndent ??= k.Groups["indent"].Value;
            if (k.Groups["indent"].Value != keyIndent || Unquote(k.Groups["key"].Value) is not { } key) continue;
            if ((ArticleLabel.TryParse(key, out var label) ? label.ToString() : key) != anchor) continue;
            if (k.Groups["rest"].Value.Trim() is { Length: > 0 } rest && !rest.StartsWith('#')) return $"'{key}:' lists its questions on one line; write one '- …' line per question";
            var last = i;
            string? itemIndent = null;
            for (var j = i + 1; j < blockEnd; j++)
            {
                if (lines[j].Trim().Length == 0 || lines[j].TrimStart().StartsWith('#')) continue;
                if (NestedKey().Match(lines[j]) is { Success: true } sibling && sibling.Groups["indent"].Value.Length <= keyIndent.Length) break;
                if (Item().Match(lines[j]) is { Success: true } item) { last = j; itemIndent = item.Groups["indent"].Value; }
            }
            lines.Insert(last + 1, (itemIndent ?? keyIndent + "  ") + "- " + Yaml(wording));
            return null;
        }
        var indent = keyIndent ?? "  ";
        // Before trailing blank lines and comments, so the new key sits with the others.
        var at = blockEnd;
        while (at > top + 1 && (lines[at - 1].Trim().Length == 0 || lines[at - 1].TrimStart().StartsWith('#'))) at--;
        lines.InsertRange(at, [indent + Yaml(anchor) + ":", indent + "  - " + Yaml(wording)]);
        return null;
    }

    /// <summary>A YAML scalar: plain when safe, else double-quoted.</summary>
    internal static string Yaml(string value) =>
        PlainScalar().IsMatch(value) && !value.Contains(": ", StringComparison.Ordinal) && !value.Contains(" #", StringComparison.Ordinal) && !value.EndsWith(':')
            ? value
            : "\"" + value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal) + "\"";

    private static string? Unquote(string key)
    {
        key = key.Trim();
        if (key.Length >= 2 && key[0] == '"' && key[^1] == '"') return key[1..^1].Replace("\\\"", "\"", StringComparison.Ordinal).Replace("\\\\", "\\", StringComparison.Ordinal);
        if (key.Length >= 2 && key[0] == '\'' && key[^1] == '\'') return key[1..^1].Replace("''", "'", StringComparison.Ordinal);
        return key;
    }

    [GeneratedRegex(@"\s+")]
    private static partial Regex Whitespace();

    [GeneratedRegex(@"^ {0,3}(#{1,6})\s")]
    private static partial Regex HeadingLine();

    [GeneratedRegex(@"^(?<indent>\s*)(?<marker>[-*+]|\d+[.)])(?<gap>\s+)\S")]
    private static partial Regex ListItem();

    [GeneratedRegex(@"^(?<key>[A-Za-z_][\w-]*):(?<rest>.*)$")]
    private static partial Regex TopKey();

    [GeneratedRegex(@"^(?<indent>[ ]+)(?<key>""[^""]*""|'[^']*'|[^\s#'""-][^:#]*?)\s*:(?<rest>(?:\s.*)?)$")]
    private static partial Regex NestedKey();

    [GeneratedRegex(@"^(?<indent>\s*)-\s")]
    private static partial Regex Item();

    // Starts with no YAML indicator and holds none that matters inside a block scalar value.
    [GeneratedRegex(@"^[^\s\-?:,\[\]{}#&*!|>'""%@`][^\[\]{}""']*$")]
    private static partial Regex PlainScalar();
}
