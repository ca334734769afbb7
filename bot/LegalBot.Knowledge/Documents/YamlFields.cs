using LegalBot.Knowledge.Text;
using YamlDotNet.RepresentationModel;

namespace LegalBot.Knowledge.Documents;

/// <summary>Front matter fields several kinds share (matters, lessons, quizzes), read with the file line of every problem.</summary>
internal sealed class YamlFields(string path, int firstLine, List<KnowledgeDiagnostic> diagnostics)
{
    public int LineOf(YamlNode node) => firstLine + (int)Math.Max(0, node.Start.Line - 1);

    public void Problem(YamlNode at, string message) => diagnostics.Add(new(path, LineOf(at), message));

    public static YamlNode? Get(YamlMappingNode map, string key) =>
        map.Children.TryGetValue(new YamlScalarNode(key), out var node) ? node : null;

    public string? Scalar(YamlMappingNode map, string key)
    {
        switch (Get(map, key))
        {
            case null: return null;
            case YamlScalarNode s: return string.IsNullOrWhiteSpace(s.Value) ? null : s.Value.Trim();
            case var n: Problem(n, $"'{key}' must be a single value"); return null;
        }
    }

    /// <summary>A list of plain values, written as a YAML list or comma-separated.</summary>
    public List<string> Names(YamlMappingNode map, string key)
    {
        switch (Get(map, key))
        {
            case null: return [];
            case YamlScalarNode s:
                return (s.Value ?? "").Split([',', '，', '、'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToList();
            case YamlSequenceNode seq:
                var list = new List<string>();
                foreach (var item in seq.Children)
                {
                    if (item is YamlScalarNode { Value: { } v } && v.Trim().Length > 0) list.Add(v.Trim());
                    else Problem(item, $"'{key}' entries must be plain values");
                }
                return list;
            case var n:
                Problem(n, $"'{key}' must be a list");
                return [];
        }
    }

    /// <summary>
    /// <c>references:</c> — a list of {law, article, quote}; the law is shortened (中华人民共和国… dropped) and the article
    /// label made canonical, so the reference check can prove it. Null (with a problem) when the list is missing or empty.
    /// </summary>
    public List<ArticleReference>? References(YamlMappingNode map, string owner)
    {
        var node = Get(map, "references");
        if (node is not YamlSequenceNode refs || refs.Children.Count == 0)
        {
            diagnostics.Add(new(path, node is null ? LineOf(map) : LineOf(node), $"{owner} needs 'references': a list of {{law, article, quote}}"));
            return null;
        }
        var references = new List<ArticleReference>();
        foreach (var item in refs.Children)
        {
            if (item is not YamlMappingNode r)
            {
                Problem(item, "each reference is 'law:', 'article:' and optionally 'quote:'");
                continue;
            }
            var law = Scalar(r, "law");
            var article = Scalar(r, "article");
            var quote = Scalar(r, "quote");
            if (law is null || article is null)
            {
                Problem(item, "a reference needs 'law' and 'article'");
                continue;
            }
            if (!ArticleLabel.TryParse(article, out var label))
            {
                Problem(item, $"'{article}' is not an article label (第X条)");
                continue;
            }
            references.Add(new ArticleReference(LawNames.Shorten(law), label.ToString(), quote, LineOf(item)));
        }
        return references;
    }
}
