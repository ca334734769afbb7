using LegalBot.Knowledge.Documents;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace LegalBot.Knowledge.Offices;

/// <summary>
/// Reads and validates the office-specific front matter of a <c>kind: office</c> file (format in
/// knowledge/README.md). Every problem is reported as path:line, so <c>legalbot check</c> names it.
/// </summary>
public static class OfficeProfile
{
    public const int MaxNameLength = 60;

    /// <param name="yaml">The front matter, already known to be a valid YAML mapping.</param>
    /// <param name="firstLine">File line of the first YAML line.</param>
    public static Office? Parse(string yaml, int firstLine, string path, string id, string title, List<KnowledgeDiagnostic> diagnostics)
    {
        YamlMappingNode root;
        try
        {
            var stream = new YamlStream();
            stream.Load(new StringReader(yaml));
            if (stream.Documents.Count == 0 || stream.Documents[0].RootNode is not YamlMappingNode map)
            {
                diagnostics.Add(new(path, firstLine, "an office needs front matter with services, jurisdiction, address, phone and hours"));
                return null;
            }
            root = map;
        }
        catch (YamlException ex)
        {
            diagnostics.Add(new(path, firstLine + (int)Math.Max(0, ex.Start.Line - 1), "bad YAML in front matter"));
            return null;
        }

        var reader = new Reader(path, firstLine, diagnostics);
        var before = diagnostics.Count;
        var services = reader.Services(root);
        var jurisdiction = reader.Jurisdiction(root);
        var address = reader.RequiredScalar(root, "address");
        var phone = reader.RequiredScalar(root, "phone");
        var hours = reader.RequiredScalar(root, "hours");
        var webhook = reader.Webhook(root);
        var demo = string.Equals(reader.OptionalScalar(root, "demo"), "true", StringComparison.OrdinalIgnoreCase);
        if (phone is not null && !phone.Any(char.IsAsciiDigit))
            reader.Add(root, "phone", $"'phone' has no digits: '{phone}'");
        if (title.Length > MaxNameLength)
            diagnostics.Add(new(path, firstLine, $"office title is longer than {MaxNameLength} characters"));

        if (diagnostics.Count > before || jurisdiction is null || address is null || phone is null || hours is null) return null;
        return new Office(id, title, services, jurisdiction, address, phone, hours, webhook, demo, path);
    }

    private sealed class Reader(string path, int firstLine, List<KnowledgeDiagnostic> diagnostics)
    {
        private int LineOf(YamlNode n) => firstLine + (int)Math.Max(0, n.Start.Line - 1);

        public void Add(YamlNode at, string message) => diagnostics.Add(new(path, LineOf(at), message));

        public void Add(YamlMappingNode map, string key, string message) =>
            Add(map.Children.TryGetValue(new YamlScalarNode(key), out var n) ? n : map, message);

        private static YamlNode? Get(YamlMappingNode map, string key) =>
            map.Children.TryGetValue(new YamlScalarNode(key), out var n) ? n : null;

        public string? OptionalScalar(YamlMappingNode map, string key)
        {
            switch (Get(map, key))
            {
                case null: return null;
                case YamlScalarNode s: return string.IsNullOrWhiteSpace(s.Value) ? null : s.Value.Trim();
                case var n: Add(n, $"'{key}' must be a single value"); return null;
            }
        }

        public string? RequiredScalar(YamlMappingNode map, string key)
        {
            var value = OptionalScalar(map, key);
            if (value is null && Get(map, key) is null or YamlScalarNode) Add(map, $"office is missing '{key}'");
            return value;
        }

        private List<string> Names(YamlNode? node, string key)
        {
            switch (node)
            {
                case null: return [];
                case YamlScalarNode s:
                    return (s.Value ?? "").Split([',', '，', '、'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToList();
                case YamlSequenceNode seq:
                    var list = new List<string>();
                    foreach (var item in seq.Children)
                    {
                        if (item is YamlScalarNode { Value: { } v } && v.Trim().Length > 0) list.Add(v.Trim());
                        else Add(item, $"'{key}' entries must be plain names");
                    }
                    return list;
                default:
                    Add(node, $"'{key}' must be a list of names");
                    return [];
            }
        }

        public List<OfficeService> Services(YamlMappingNode root)
        {
            var result = new List<OfficeService>();
            var node = Get(root, "services");
            if (node is not YamlSequenceNode seq || seq.Children.Count == 0)
            {
                Add(node ?? root, "office needs 'services': a list such as [legal-aid] or [mediation]");
                return result;
            }
            foreach (var item in seq.Children)
            {
                string? name;
                IReadOnlyList<string> disputes = [];
                if (item is YamlScalarNode s) name = s.Value?.Trim();
                else if (item is YamlMappingNode m)
                {
                    name = OptionalScalar(m, "service");
                    disputes = Names(Get(m, "disputes"), "disputes");
                }
                else { Add(item, "a service is a name or {service: …, disputes: […]}"); continue; }

                if (name is null || !OfficeServices.All.Contains(name))
                    Add(item, $"unknown service '{name}' (expected {string.Join(", ", OfficeServices.All)})");
                else if (result.Any(r => r.Name == name))
                    Add(item, $"service '{name}' is listed twice");
                else result.Add(new OfficeService(name, disputes));
            }
            return result;
        }

        public Jurisdiction? Jurisdiction(YamlMappingNode root)
        {
            var node = Get(root, "jurisdiction");
            if (node is not YamlMappingNode j)
            {
                Add(node ?? root, "office needs 'jurisdiction' with at least 'county:'");
                return null;
            }
            var county = OptionalScalar(j, "county");
            if (county is null) { Add(j, "'jurisdiction' needs 'county'"); return null; }
            var countyAliases = Names(Get(j, "aliases"), "aliases");

            var towns = new List<TownArea>();
            if (Get(j, "towns") is { } townsNode)
            {
                if (townsNode is not YamlSequenceNode townSeq) Add(townsNode, "'towns' must be a list");
                else foreach (var t in townSeq.Children) if (Town(t) is { } town) Add(town, towns, t);
            }

            var scopeText = OptionalScalar(j, "scope");
            OfficeScope scope;
            if (scopeText is null) scope = towns.Count == 0 ? OfficeScope.County : OfficeScope.Town;
            else if (!Enum.TryParse(scopeText, ignoreCase: true, out scope) || int.TryParse(scopeText, out _))
            {
                Add(j, "scope", $"unknown scope '{scopeText}' (expected county, town or village)");
                return null;
            }
            if (scope == OfficeScope.Town && towns.Count == 0) Add(j, "scope", "scope is town but no 'towns' are listed");
            if (scope == OfficeScope.Village && towns.All(t => t.Villages.Count == 0)) Add(j, "scope", "scope is village but no 'villages' are listed");
            return new Jurisdiction(county, countyAliases, scope, towns);
        }

        private void Add(TownArea town, List<TownArea> towns, YamlNode at)
        {
            if (towns.Any(t => t.Name == town.Name)) Add(at, $"town '{town.Name}' is listed twice");
            else towns.Add(town);
        }

        private TownArea? Town(YamlNode node)
        {
            if (node is YamlScalarNode { Value: { } name } && name.Trim().Length > 0) return new TownArea(name.Trim(), [], []);
            if (node is not YamlMappingNode m) { Add(node, "a town is a name or {name: …, aliases: […], villages: […]}"); return null; }
            var townName = OptionalScalar(m, "name");
            if (townName is null) { Add(m, "a town needs 'name'"); return null; }
            var villages = new List<NamedArea>();
            if (Get(m, "villages") is { } vNode)
            {
                if (vNode is not YamlSequenceNode vSeq) Add(vNode, "'villages' must be a list");
                else foreach (var v in vSeq.Children)
                {
                    NamedArea? village = v switch
                    {
                        YamlScalarNode { Value: { } vn } when vn.Trim().Length > 0 => new NamedArea(vn.Trim(), []),
                        YamlMappingNode vm when OptionalScalar(vm, "name") is { } n2 => new NamedArea(n2, Names(Get(vm, "aliases"), "aliases")),
                        _ => null,
                    };
                    if (village is null) Add(v, "a village is a name or {name: …, aliases: […]}");
                    else if (villages.Any(x => x.Name == village.Name)) Add(v, $"village '{village.Name}' is listed twice in {townName}");
                    else villages.Add(village);
                }
            }
            return new TownArea(townName, Names(Get(m, "aliases"), "aliases"), villages);
        }

        public Uri? Webhook(YamlMappingNode root)
        {
            var text = OptionalScalar(root, "webhook");
            if (text is null) return null;
            if (Uri.TryCreate(text, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttps || uri.Scheme == Uri.UriSchemeHttp)) return uri;
            Add(root, "webhook", $"'webhook' is not an http(s) URL: '{text}'");
            return null;
        }
    }
}
