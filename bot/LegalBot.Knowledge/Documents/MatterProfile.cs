using System.Text.RegularExpressions;
using LegalBot.Knowledge.Text;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace LegalBot.Knowledge.Documents;

/// <summary>
/// A legal matter (<c>kind: matter</c>): the everyday problem, the ways citizens ask it, the plain answer, the
/// articles it rests on, and the service it leads to. Front matter carries <c>route</c>, <c>services</c> and
/// <c>references</c>; the body has a <c>## 常见问法</c> list and a <c>## 解答</c> section.
/// </summary>
/// <param name="Route">consult, or the public legal service the matter is about (legal-aid, mediation …).</param>
/// <param name="Services">Services worth offering with the answer (buttons, office card).</param>
public sealed partial record MatterProfile(
    string DocumentId,
    string Title,
    string Route,
    IReadOnlyList<string> Services,
    IReadOnlyList<ArticleReference> References,
    IReadOnlyList<string> Questions,
    string Answer)
{
    public const string QuestionsHeading = "常见问法";
    public const string AnswerHeading = "解答";
    public const int MinQuestions = 10;
    public const int MaxReferences = 5;

    public static readonly IReadOnlyList<string> KnownRoutes = ["consult", "legal-aid", "mediation", "notary", "reconsideration", "petition"];
    public static readonly IReadOnlyList<string> KnownServices = ["legal-aid", "mediation", "notary", "reconsideration", "petition", "labour-arbitration"];

    /// <summary>Parses and validates a matter; problems go to <paramref name="diagnostics"/> with their lines.</summary>
    /// <param name="sections">The body's sections: heading → (first line, text).</param>
    public static MatterProfile? Parse(string yaml, int firstLine, string path, string documentId, string title,
        IReadOnlyDictionary<string, (int Line, string Text)> sections, List<KnowledgeDiagnostic> diagnostics)
    {
        var before = diagnostics.Count;
        YamlMappingNode root;
        try
        {
            var stream = new YamlStream();
            stream.Load(new StringReader(yaml));
            root = stream.Documents.Count > 0 && stream.Documents[0].RootNode is YamlMappingNode m ? m : new YamlMappingNode();
        }
        catch (YamlException ex)
        {
            diagnostics.Add(new(path, firstLine + (int)Math.Max(0, ex.Start.Line - 1), "bad YAML in front matter"));
            return null;
        }
        int LineOf(YamlNode n) => firstLine + (int)Math.Max(0, n.Start.Line - 1);

        var route = Scalar(root, "route");
        if (route is null) diagnostics.Add(new(path, firstLine, "a matter needs 'route' (" + string.Join(", ", KnownRoutes) + ")"));
        else if (!KnownRoutes.Contains(route)) diagnostics.Add(new(path, LineOf(root.Children[new YamlScalarNode("route")]), $"unknown route '{route}' (" + string.Join(", ", KnownRoutes) + ")"));

        var services = new List<string>();
        if (root.Children.TryGetValue(new YamlScalarNode("services"), out var servicesNode))
        {
            var items = servicesNode switch
            {
                YamlSequenceNode seq => seq.Children.OfType<YamlScalarNode>().Select(s => s.Value?.Trim() ?? "").ToList(),
                YamlScalarNode s => (s.Value ?? "").Split([',', '，', '、'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToList(),
                _ => null,
            };
            if (items is null) diagnostics.Add(new(path, LineOf(servicesNode), "'services' must be a list"));
            else
            {
                foreach (var item in items.Where(i => i.Length > 0))
                {
                    if (KnownServices.Contains(item)) services.Add(item);
                    else diagnostics.Add(new(path, LineOf(servicesNode), $"unknown service '{item}' (" + string.Join(", ", KnownServices) + ")"));
                }
            }
        }

        var references = new YamlFields(path, firstLine, diagnostics).References(root, "a matter") ?? [];
        if (references.Count > MaxReferences && YamlFields.Get(root, "references") is { } refsNode)
            diagnostics.Add(new(path, LineOf(refsNode), $"{references.Count} references: at most {MaxReferences}, the governing ones (padding with loose ones hurts answers)"));

        var questions = new List<string>();
        if (!sections.TryGetValue(QuestionsHeading, out var q))
            diagnostics.Add(new(path, firstLine, $"a matter needs a '## {QuestionsHeading}' list"));
        else
        {
            questions.AddRange(ListItems(q.Text));
            if (questions.Count < MinQuestions)
                diagnostics.Add(new(path, q.Line, $"{questions.Count} ways of asking under '## {QuestionsHeading}': at least {MinQuestions}"));
            var duplicate = questions.GroupBy(x => x, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1);
            if (duplicate is not null) diagnostics.Add(new(path, q.Line, $"'{duplicate.Key}' is listed twice"));
        }
        string answer = "";
        if (!sections.TryGetValue(AnswerHeading, out var a) || a.Text.Trim().Length == 0)
            diagnostics.Add(new(path, firstLine, $"a matter needs a '## {AnswerHeading}' section"));
        else answer = a.Text.Trim();

        return diagnostics.Count > before ? null
            : new MatterProfile(documentId, title, route!, services, references, questions, answer);
    }

    /// <summary>The items of a Markdown list ("- …", "* …", "1. …"), one per line.</summary>
    public static IEnumerable<string> ListItems(string text) =>
        text.Split('\n').Select(l => ListItem().Match(l)).Where(m => m.Success).Select(m => m.Groups[1].Value.Trim()).Where(t => t.Length > 0);

    private static string? Scalar(YamlMappingNode map, string key) =>
        map.Children.TryGetValue(new YamlScalarNode(key), out var node) && node is YamlScalarNode s && !string.IsNullOrWhiteSpace(s.Value) ? s.Value.Trim() : null;

    [GeneratedRegex(@"^\s*(?:[-*+]|\d+[.)])\s+(.+)$")]
    private static partial Regex ListItem();
}

/// <summary>Where a matter leads: its route and the services worth offering.</summary>
public sealed record MatterRoute(string Route, IReadOnlyList<string> Services);

/// <summary>The route and services of an indexed matter, read once per document version from its front matter.</summary>
public static class MatterRouting
{
    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<DocumentInfo, MatterRoute> Cache = [];

    public static MatterRoute Of(DocumentInfo document) =>
        Cache.GetValue(document, d =>
        {
            if (d.FrontMatter is null) return new MatterRoute("consult", []);
            try
            {
                var stream = new YamlStream();
                stream.Load(new StringReader(d.FrontMatter));
                if (stream.Documents.Count == 0 || stream.Documents[0].RootNode is not YamlMappingNode map) return new MatterRoute("consult", []);
                var route = map.Children.TryGetValue(new YamlScalarNode("route"), out var r) && r is YamlScalarNode rs && rs.Value is { Length: > 0 } rv ? rv.Trim() : "consult";
                var services = map.Children.TryGetValue(new YamlScalarNode("services"), out var s) && s is YamlSequenceNode seq
                    ? seq.Children.OfType<YamlScalarNode>().Select(x => x.Value?.Trim() ?? "").Where(x => x.Length > 0).ToList()
                    : [];
                return new MatterRoute(route, services);
            }
            catch (YamlException)
            {
                return new MatterRoute("consult", []);
            }
        });
}
