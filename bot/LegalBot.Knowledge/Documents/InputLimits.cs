namespace LegalBot.Knowledge.Documents;

/// <summary>
/// Cheap checks of a file's text before any parser runs: front matter size and YAML nesting (60,000 '[' overflow
/// YamlDotNet's stack, which no catch survives) and Markdown block nesting (128 nested '>' make Markdig throw).
/// </summary>
internal static class InputLimits
{
    public static KnowledgeDiagnostic? Check(string text, string path, KnowledgeLimits limits)
    {
        var lines = text.Split('\n');
        var bodyStart = 0;
        if (lines.Length > 0 && lines[0].TrimEnd() == "---")
        {
            var end = Array.FindIndex(lines, 1, l => l.TrimEnd() is "---" or "...");
            if (end > 0)
            {
                var bytes = 0;
                var depth = 0;
                for (var i = 1; i < end; i++)
                {
                    bytes += System.Text.Encoding.UTF8.GetByteCount(lines[i]) + 1;
                    if (bytes > limits.MaxFrontMatterBytes)
                        return new(path, i + 1, $"front matter is longer than {limits.MaxFrontMatterBytes / 1024} KB");
                    depth = YamlDepth(lines[i], depth, out var lineDepth);
                    if (lineDepth > limits.MaxFrontMatterDepth)
                        return new(path, i + 1, $"front matter is nested more than {limits.MaxFrontMatterDepth} levels deep");
                }
                bodyStart = end + 1;
            }
        }
        for (var i = bodyStart; i < lines.Length; i++)
        {
            if (BlockNesting(lines[i]) > limits.MaxMarkdownNesting)
                return new(path, i + 1, $"quotes or lists nested more than {limits.MaxMarkdownNesting} levels deep");
        }
        return null;
    }

    /// <summary>Flow-collection depth carried across lines, and the deepest point of this line (flow depth plus block indentation).</summary>
    private static int YamlDepth(string line, int carried, out int deepest)
    {
        var indent = 0;
        while (indent < line.Length && line[indent] == ' ') indent++;
        var depth = carried;
        deepest = depth + indent / 2;
        char? quote = null;
        foreach (var c in line.AsSpan(indent))
        {
            if (quote is { } q)
            {
                if (c == q) quote = null;
                continue;
            }
            switch (c)
            {
                case '"' or '\'': quote = c; break;
                case '#' when depth == 0: return depth;
                case '[' or '{':
                    depth++;
                    deepest = Math.Max(deepest, depth + indent / 2);
                    break;
                case ']' or '}': depth = Math.Max(0, depth - 1); break;
            }
        }
        return depth;
    }

    /// <summary>Block containers opened at the start of a line: "> > > - 1. * text" is 6.</summary>
    private static int BlockNesting(string line)
    {
        var n = 0;
        var i = 0;
        while (i < line.Length)
        {
            var c = line[i];
            if (c is ' ' or '\t') { i++; continue; }
            if (c == '>') { n++; i++; continue; }
            if (c is '-' or '*' or '+' && i + 1 < line.Length && line[i + 1] is ' ' or '\t') { n++; i += 2; continue; }
            var d = i;
            while (d < line.Length && char.IsAsciiDigit(line[d]) && d - i < 9) d++;
            if (d > i && d + 1 < line.Length && line[d] is '.' or ')' && line[d + 1] is ' ' or '\t') { n++; i = d + 2; continue; }
            break;
        }
        return n;
    }
}
