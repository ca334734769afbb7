using LegalBot.Knowledge.Text;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace LegalBot.Knowledge.Documents;

/// <summary>
/// Citizens' wordings for a guide/handbook section or a statute article, like a matter's 常见问法: a front matter
/// <c>questions:</c> mapping from the section's heading path (as in its anchor: <c>申请条件</c>, <c>办理流程/第一步</c>) or the
/// article label (<c>第三十条</c>, <c>第30条</c>) to a list of questions. Statutes keep their text verbatim, so the wordings
/// live in the front matter rather than the body. A key that names no section is a problem (a typo would otherwise be lost).
/// </summary>
public static class ChunkQuestions
{
    public const string Key = "questions";

    /// <summary>The anchor a <c>questions:</c> key addresses: the part of the chunk id after '#'.</summary>
    public static string AnchorOf(KnowledgeChunk chunk) => chunk.Id[(chunk.Id.IndexOf('#', StringComparison.Ordinal) + 1)..];

    /// <summary>Attaches the front matter's wordings to their chunks (re-hashing them); problems go to <paramref name="diagnostics"/>.</summary>
    internal static List<KnowledgeChunk> Attach(List<KnowledgeChunk> chunks, string? yaml, int firstLine, string path, List<KnowledgeDiagnostic> diagnostics,
        Func<KnowledgeChunk, IReadOnlyList<string>, string> rehash)
    {
        if (yaml is null || !yaml.Contains(Key + ":", StringComparison.Ordinal)) return chunks;
        YamlMappingNode root;
        try
        {
            var stream = new YamlStream();
            stream.Load(new StringReader(yaml));
            if (stream.Documents.Count == 0 || stream.Documents[0].RootNode is not YamlMappingNode map) return chunks;
            root = map;
        }
        catch (YamlException)
        {
            return chunks; // FrontMatter.Parse has reported it
        }
        if (!root.Children.TryGetValue(new YamlScalarNode(Key), out var node)) return chunks;
        int LineOf(YamlNode n) => firstLine + (int)Math.Max(0, n.Start.Line - 1);
        if (node is not YamlMappingNode sections)
        {
            diagnostics.Add(new(path, LineOf(node), $"'{Key}' must map a section heading or article label to a list of questions"));
            return chunks;
        }
        var byAnchor = chunks.Select((c, i) => (Anchor: AnchorOf(c), Index: i)).GroupBy(x => x.Anchor, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.First().Index, StringComparer.Ordinal);
        var added = new Dictionary<int, List<string>>();
        foreach (var (keyNode, valueNode) in sections.Children)
        {
            var key = (keyNode as YamlScalarNode)?.Value?.Trim() ?? "";
            var anchor = ArticleLabel.TryParse(key, out var label) ? label.ToString() : key;
            if (!byAnchor.TryGetValue(anchor, out var index))
            {
                diagnostics.Add(new(path, LineOf(keyNode), $"'{Key}' names '{key}', which is no section or article here (sections: "
                    + string.Join("、", byAnchor.Keys.Take(8)) + (byAnchor.Count > 8 ? " …" : "") + ")"));
                continue;
            }
            if (valueNode is not YamlSequenceNode list || list.Children.Any(c => c is not YamlScalarNode))
            {
                diagnostics.Add(new(path, LineOf(valueNode), $"'{Key}: {key}' must be a list of questions, one '- …' line each"));
                continue;
            }
            var wordings = added.TryGetValue(index, out var existing) ? existing : added[index] = [];
            foreach (var q in list.Children.Cast<YamlScalarNode>().Select(s => s.Value?.Trim() ?? "").Where(s => s.Length > 0))
            {
                if (wordings.Contains(q, StringComparer.Ordinal)) diagnostics.Add(new(path, LineOf(valueNode), $"'{q}' is listed twice under '{key}'"));
                else wordings.Add(q);
            }
        }
        foreach (var (index, wordings) in added)
        {
            var chunk = chunks[index];
            IReadOnlyList<string> all = [.. chunk.QuestionVariants, .. wordings];
            chunks[index] = chunk with { Questions = all, Hash = rehash(chunk, all) };
        }
        return chunks;
    }
}
