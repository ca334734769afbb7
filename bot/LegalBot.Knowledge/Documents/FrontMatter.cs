using System.Globalization;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace LegalBot.Knowledge.Documents;

/// <summary>The YAML front matter fields LegalBot understands; other keys are kept raw for feature-specific schemas.</summary>
internal sealed record FrontMatter(
    string? Id,
    string? Title,
    DocumentKind? Kind,
    string? Region,
    string? Department,
    DateOnly? Effective,
    string? Source,
    IReadOnlyList<string> Tags)
{
    public static readonly FrontMatter Empty = new(null, null, null, null, null, null, null, []);

    /// <summary>Parses <paramref name="yaml"/>, whose first line is line <paramref name="firstLine"/> of the file.</summary>
    public static FrontMatter Parse(string yaml, int firstLine, string path, List<KnowledgeDiagnostic> diagnostics)
    {
        YamlMappingNode root;
        try
        {
            var stream = new YamlStream();
            stream.Load(new StringReader(yaml));
            if (stream.Documents.Count == 0) return Empty;
            if (stream.Documents[0].RootNode is not YamlMappingNode map)
            {
                diagnostics.Add(new(path, firstLine, "front matter must be a YAML mapping of key: value lines"));
                return Empty;
            }
            root = map;
        }
        catch (YamlException ex)
        {
            var line = firstLine + (int)Math.Max(0, ex.Start.Line - 1);
            diagnostics.Add(new(path, line, "bad YAML in front matter: " + FirstSentence(ex.Message)));
            return Empty;
        }
        catch (InvalidOperationException)
        {
            // YamlDotNet's scanner throws this (not YamlException) on some malformed input.
            diagnostics.Add(new(path, firstLine, "bad YAML in front matter: unbalanced brackets or quotes"));
            return Empty;
        }

        int LineOf(YamlNode n) => firstLine + (int)Math.Max(0, n.Start.Line - 1);

        string? Scalar(string key)
        {
            if (!root.Children.TryGetValue(new YamlScalarNode(key), out var node)) return null;
            if (node is YamlScalarNode s) return string.IsNullOrWhiteSpace(s.Value) ? null : s.Value.Trim();
            diagnostics.Add(new(path, LineOf(node), $"'{key}' must be a single value"));
            return null;
        }

        DocumentKind? kind = null;
        var kindText = Scalar("kind");
        if (kindText is not null)
        {
            if (Enum.TryParse<DocumentKind>(kindText, ignoreCase: true, out var k) && !int.TryParse(kindText, out _)) kind = k;
            else diagnostics.Add(new(path, LineOf(root.Children[new YamlScalarNode("kind")]),
                $"unknown kind '{kindText}' (expected regulation, guide, handbook, office, matter, lesson, quiz or campaign): the file is not served"));
        }

        DateOnly? effective = null;
        var effectiveText = Scalar("effective");
        if (effectiveText is not null)
        {
            if (DateOnly.TryParseExact(effectiveText, ["yyyy-MM-dd", "yyyy-M-d", "yyyy/MM/dd", "yyyy/M/d"],
                    CultureInfo.InvariantCulture, DateTimeStyles.None, out var d))
                effective = d;
            else
                diagnostics.Add(new(path, LineOf(root.Children[new YamlScalarNode("effective")]),
                    $"'effective' is not a date: '{effectiveText}' (use YYYY-MM-DD)"));
        }

        var tags = new List<string>();
        if (root.Children.TryGetValue(new YamlScalarNode("tags"), out var tagNode))
        {
            switch (tagNode)
            {
                case YamlSequenceNode seq:
                    tags.AddRange(seq.Children.OfType<YamlScalarNode>().Select(t => t.Value?.Trim() ?? "").Where(t => t.Length > 0));
                    break;
                case YamlScalarNode s when !string.IsNullOrWhiteSpace(s.Value):
                    tags.AddRange(s.Value.Split([',', '，', '、'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
                    break;
                default:
                    diagnostics.Add(new(path, LineOf(tagNode), "'tags' must be a list or a comma-separated value"));
                    break;
            }
        }

        return new FrontMatter(Scalar("id"), Scalar("title"), kind, Scalar("region"), Scalar("department"),
            effective, Scalar("source"), tags);
    }

    private static string FirstSentence(string message)
    {
        var i = message.IndexOf('\n', StringComparison.Ordinal);
        return (i < 0 ? message : message[..i]).Trim();
    }
}
