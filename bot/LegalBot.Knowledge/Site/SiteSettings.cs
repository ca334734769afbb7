using System.Text.RegularExpressions;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;
using LegalBot.Knowledge.Documents;

namespace LegalBot.Knowledge.Site;

/// <summary>
/// The county's settings from <c>site.md</c> (<c>kind: site</c>) at the root of the knowledge folder: the assistant's
/// name, the county, the greeting and its topic buttons, the hotline, the promised response time, the page title,
/// colours and logo. Every value has a neutral default, so a folder without the file still serves; a bad value is a
/// reported problem and keeps its default.
/// </summary>
public sealed partial record SiteSettings
{
    public const string FileName = "site.md";

    public string AssistantName { get; init; } = "法律服务小助手";
    public string? County { get; init; }
    public string PageTitle { get; init; } = "法律服务小助手";
    /// <summary>The line under the page heading.</summary>
    public string Tagline { get; init; } = "法律咨询、法律援助、人民调解、公证、行政复议";
    public string Greeting { get; init; } = "您好！我是法律服务小助手，可以为您解答法律问题，介绍法律援助、人民调解、公证、行政复议等办事流程。请直接说说您遇到的情况，比如“老板拖欠工资怎么办”。";
    public IReadOnlyList<string> Topics { get; init; } = ["申请法律援助", "老板拖欠工资怎么办", "邻里纠纷怎么调解", "离婚要带什么材料"];
    /// <summary>The public legal service hotline the page shows.</summary>
    public string Hotline { get; init; } = "12348";
    public string Emergency { get; init; } = "110";
    /// <summary>When staff promise to contact an applicant, as the sentence says it: 工作人员会在{ResponseTime}…联系.</summary>
    public string ResponseTime { get; init; } = "2 个工作日内";
    public string PrimaryColour { get; init; } = "#b71c1c";
    public string BackgroundColour { get; init; } = "#f5f5f5";
    /// <summary>The bot's avatar in the chat (one or two characters).</summary>
    public string Avatar { get; init; } = "法";
    /// <summary>An image file in the knowledge folder (png, jpg, svg, webp), path relative to the folder.</summary>
    public string? Logo { get; init; }
    /// <summary>Demonstration settings: the page says so.</summary>
    public bool Demo { get; init; }

    public static SiteSettings Default { get; } = new();

    public static readonly IReadOnlyList<string> LogoExtensions = [".png", ".jpg", ".jpeg", ".svg", ".webp"];
    public const long MaxLogoBytes = 256 * 1024;

    private static readonly string[] KnownKeys =
        ["kind", "title", "assistant", "county", "page_title", "tagline", "greeting", "topics", "hotline", "emergency",
         "response_time", "primary_colour", "background_colour", "avatar", "logo", "demo"];

    /// <summary>Reads <c>{folder}/site.md</c>; defaults (and no problem) when the file is absent.</summary>
    public static async Task<(SiteSettings Settings, IReadOnlyList<KnowledgeDiagnostic> Problems)> LoadAsync(string folder, CancellationToken cancellationToken)
    {
        var path = Path.Combine(folder, FileName);
        if (!File.Exists(path)) return (Default, []);
        var text = await File.ReadAllTextAsync(path, cancellationToken).ConfigureAwait(false);
        return Parse(text, folder);
    }

    /// <summary>Parses the file's text; <paramref name="folder"/> (when given) is where the logo must exist.</summary>
    public static (SiteSettings Settings, IReadOnlyList<KnowledgeDiagnostic> Problems) Parse(string text, string? folder = null)
    {
        var problems = new List<KnowledgeDiagnostic>();
        void Problem(int line, string message) => problems.Add(new(FileName, line, message));
        var lines = text.Replace("\r\n", "\n").Split('\n');
        var start = lines.Length > 0 && lines[0].TrimStart('\uFEFF').Trim() == "---" ? 1 : -1;
        var end = start < 0 ? -1 : Array.FindIndex(lines, start, l => l.Trim() is "---" or "...");
        if (start < 0 || end < 0)
        {
            Problem(1, "site.md needs YAML front matter between two '---' lines, with kind: site");
            return (Default, problems);
        }
        YamlMappingNode map;
        try
        {
            var stream = new YamlStream();
            stream.Load(new StringReader(string.Join('\n', lines[start..end])));
            if (stream.Documents.Count == 0 || stream.Documents[0].RootNode is not YamlMappingNode m)
            {
                Problem(2, "front matter must be a YAML mapping of key: value lines");
                return (Default, problems);
            }
            map = m;
        }
        catch (Exception ex) when (ex is YamlException or InvalidOperationException)
        {
            var line = ex is YamlException y ? 2 + (int)Math.Max(0, y.Start.Line - 1) : 2;
            Problem(line, "bad YAML in front matter: " + ex.Message.Split('\n')[0].Trim());
            return (Default, problems);
        }

        int LineOf(YamlNode n) => 2 + (int)Math.Max(0, n.Start.Line - 1);
        var values = new Dictionary<string, YamlNode>(StringComparer.Ordinal);
        foreach (var (keyNode, valueNode) in map.Children)
        {
            var key = (keyNode as YamlScalarNode)?.Value ?? "";
            if (!KnownKeys.Contains(key)) Problem(LineOf(keyNode), $"unknown setting '{key}' (known: {string.Join(", ", KnownKeys.Skip(1))})");
            else values[key] = valueNode;
        }

        string? Text(string key, int maxLength)
        {
            if (!values.TryGetValue(key, out var node)) return null;
            if (node is not YamlScalarNode s) { Problem(LineOf(node), $"'{key}' must be a single value"); return null; }
            var v = s.Value?.Trim();
            if (string.IsNullOrEmpty(v)) { Problem(LineOf(node), $"'{key}' is empty: leave it out to keep the default"); return null; }
            if (v.Length > maxLength) { Problem(LineOf(node), $"'{key}' is {v.Length} characters, over {maxLength}"); return null; }
            return v;
        }

        string? Colour(string key)
        {
            var v = Text(key, 7);
            if (v is null) return null;
            if (ColourPattern().IsMatch(v)) return v.ToLowerInvariant();
            Problem(LineOf(values[key]), $"'{key}' must be a colour written #rrggbb (e.g. #b71c1c), not '{v}'");
            return null;
        }

        string? Phone(string key)
        {
            var v = Text(key, 20);
            if (v is null || PhonePattern().IsMatch(v)) return v;
            Problem(LineOf(values[key]), $"'{key}' must be a phone number (digits and '-'), not '{v}'");
            return null;
        }

        var kind = Text("kind", 20);
        if (kind is null) Problem(1, "site.md must say kind: site");
        else if (!string.Equals(kind, "site", StringComparison.OrdinalIgnoreCase)) Problem(LineOf(values["kind"]), $"site.md must say kind: site, not '{kind}'");

        var settings = Default;
        if (Text("assistant", 20) is { } assistant) settings = settings with { AssistantName = assistant, PageTitle = assistant };
        if (Text("county", 30) is { } county) settings = settings with { County = county };
        if ((Text("page_title", 40) ?? Text("title", 40)) is { } title) settings = settings with { PageTitle = title };
        if (Text("tagline", 80) is { } tagline) settings = settings with { Tagline = tagline };
        if (Text("greeting", 300) is { } greeting) settings = settings with { Greeting = greeting };
        if (Phone("hotline") is { } hotline) settings = settings with { Hotline = hotline };
        if (Phone("emergency") is { } emergency) settings = settings with { Emergency = emergency };
        if (Text("response_time", 20) is { } response) settings = settings with { ResponseTime = response };
        if (Colour("primary_colour") is { } primary) settings = settings with { PrimaryColour = primary };
        if (Colour("background_colour") is { } background) settings = settings with { BackgroundColour = background };
        if (Text("avatar", 2) is { } avatar) settings = settings with { Avatar = avatar };
        if (values.TryGetValue("topics", out var topicsNode))
        {
            if (topicsNode is YamlSequenceNode seq && seq.Children.All(c => c is YamlScalarNode { Value.Length: > 0 and <= 20 })
                && seq.Children.Count is >= 1 and <= 6)
                settings = settings with { Topics = seq.Children.Cast<YamlScalarNode>().Select(c => c.Value!.Trim()).ToList() };
            else Problem(LineOf(topicsNode), "'topics' must be a list of 1 to 6 buttons, each 1 to 20 characters");
        }
        if (values.TryGetValue("demo", out var demoNode))
        {
            if (demoNode is YamlScalarNode { Value: "true" or "false" } d) settings = settings with { Demo = d.Value == "true" };
            else Problem(LineOf(demoNode), "'demo' must be true or false");
        }
        if (Text("logo", 200) is { } logo)
        {
            var problem = LogoProblem(logo, folder);
            if (problem is null) settings = settings with { Logo = logo.Replace('\\', '/') };
            else Problem(LineOf(values["logo"]), problem);
        }
        return (settings, problems);
    }

    /// <summary>The logo's full path, or null when there is none (or it would leave the folder).</summary>
    public string? LogoPath(string folder)
    {
        if (Logo is null) return null;
        return LogoProblem(Logo, folder) is null ? Path.GetFullPath(Path.Combine(folder, Logo)) : null;
    }

    private static string? LogoProblem(string logo, string? folder)
    {
        if (!LogoExtensions.Contains(Path.GetExtension(logo).ToLowerInvariant()))
            return $"'logo' must be an image file in the knowledge folder ({string.Join(", ", LogoExtensions)}), not '{logo}'";
        if (Path.IsPathRooted(logo) || logo.Split('/', '\\').Contains(".."))
            return "'logo' must be a path inside the knowledge folder (e.g. images/logo.png)";
        if (folder is null) return null;
        var full = Path.Combine(folder, logo);
        if (!File.Exists(full)) return $"'logo' file not found: {logo}";
        var info = new FileInfo(full);
        if (info.LinkTarget is not null) return "'logo' must be a file, not a link";
        if (info.Length > MaxLogoBytes) return $"'logo' is {info.Length / 1024} KB, over {MaxLogoBytes / 1024} KB";
        return null;
    }

    [GeneratedRegex("^#[0-9a-fA-F]{6}$")]
    private static partial Regex ColourPattern();

    [GeneratedRegex("^[0-9][0-9-]{1,19}$")]
    private static partial Regex PhonePattern();
}
