using LegalBot.Knowledge.Documents;

namespace LegalBot.Knowledge.Text;

/// <summary>One synonym rule as matched: the colloquial phrase found and the legal terms it stands for.</summary>
public sealed record SynonymRule(string Phrase, IReadOnlyList<string> Terms);

/// <summary>
/// Staff-editable colloquial → legal vocabulary (<c>knowledge/synonyms.txt</c>), applied to questions at
/// query time. One rule per line: <c>打官司, 起诉别人 => 诉讼</c>; several terms on either side are
/// comma-separated; <c>#</c> starts a comment. A phrase of parts joined by <c>+</c> (<c>狗+咬</c>) matches when every
/// part occurs in one clause of the question, in any order: citizens tell a story around the words
/// ("我家狗把邻居小孩咬了"), so the contiguous phrase (狗咬) rarely occurs.
/// </summary>
public sealed class SynonymTable
{
    public static SynonymTable Empty { get; } = new([]);

    private readonly (string Phrase, string[] Terms)[] _rules;
    private readonly (string[] Parts, string[] Terms)[] _together;

    private SynonymTable((string Phrase, string[] Terms)[] rules, (string[] Parts, string[] Terms)[]? together = null) =>
        (_rules, _together) = (rules, together ?? []);

    public int Count => _rules.Length + _together.Length;

    /// <summary>What joins the parts of a phrase that matches within a clause.</summary>
    public const char Together = '+';

    /// <summary>A synonym table is a few hundred lines; anything near this is a mistake.</summary>
    public const long MaxFileBytes = 1024 * 1024;

    /// <summary>Parses the file text; malformed lines are reported and skipped.</summary>
    public static SynonymTable Parse(string text, string path, List<KnowledgeDiagnostic> diagnostics)
    {
        var rules = new List<(string, string[])>();
        var together = new List<(string[], string[])>();
        var lines = text.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            var line = lines[i];
            var hash = line.IndexOf('#', StringComparison.Ordinal);
            if (hash >= 0) line = line[..hash];
            line = line.Trim();
            if (line.Length == 0) continue;
            var arrow = line.IndexOf("=>", StringComparison.Ordinal);
            if (arrow < 0)
            {
                diagnostics.Add(new(path, i + 1, "expected '口语说法 => 法律用语'"));
                continue;
            }
            var phrases = Sides(line[..arrow]);
            var terms = Split(line[(arrow + 2)..]);
            if (phrases.Length == 0 || terms.Length == 0)
            {
                diagnostics.Add(new(path, i + 1, "both sides of '=>' need at least one word"));
                continue;
            }
            foreach (var p in phrases)
            {
                if (p.IndexOf(Together) < 0 && p.IndexOf('＋') < 0)
                {
                    if (TextNormalizer.Normalize(p) is { Length: > 0 } phrase) rules.Add((phrase, terms));
                    continue;
                }
                var parts = p.Split([Together, '＋'], StringSplitOptions.TrimEntries).Select(TextNormalizer.Normalize).ToArray();
                if (parts.Length < 2 || parts.Any(x => x.Length == 0 || x.Contains(' ', StringComparison.Ordinal)))
                    diagnostics.Add(new(path, i + 1, $"'{p}': each part joined by '+' needs a word of its own"));
                else together.Add((parts, terms));
            }
        }
        // Longest phrases first so that 老板不给工资 is found before 工资.
        return new SynonymTable(rules.OrderByDescending(r => r.Item1.Length).ThenBy(r => r.Item1, StringComparer.Ordinal).ToArray(), together.ToArray());
    }

    /// <summary>Loads a synonym file; a missing file is an empty table.</summary>
    public static async Task<(SynonymTable Table, IReadOnlyList<KnowledgeDiagnostic> Diagnostics)> LoadAsync(string path, CancellationToken cancellationToken)
    {
        if (!File.Exists(path)) return (Empty, []);
        var diagnostics = new List<KnowledgeDiagnostic>();
        if (new FileInfo(path).Length > MaxFileBytes)
            return (Empty, [new(Path.GetFileName(path), 1, $"larger than {MaxFileBytes / 1024} KB: not loaded")]);
        var text = await File.ReadAllTextAsync(path, cancellationToken).ConfigureAwait(false);
        return (Parse(text, Path.GetFileName(path), diagnostics), diagnostics);
    }

    /// <summary>The legal terms whose colloquial phrases occur in the normalised question.</summary>
    public IReadOnlyList<string> Expand(string normalizedQuestion)
    {
        var result = new List<string>();
        foreach (var rule in Match(normalizedQuestion))
            foreach (var t in rule.Terms)
                if (!result.Contains(t)) result.Add(t);
        return result;
    }

    /// <summary>The rules whose phrase occurs in the normalised question, longest phrase first.</summary>
    public IReadOnlyList<SynonymRule> Match(string normalizedQuestion)
    {
        List<SynonymRule>? result = null;
        foreach (var (phrase, terms) in _rules)
        {
            if (normalizedQuestion.Contains(phrase, StringComparison.Ordinal)) (result ??= []).Add(new SynonymRule(phrase, terms));
        }
        if (_together.Length > 0)
        {
            // The normaliser turns punctuation into spaces: a clause is what lies between them.
            var clauses = normalizedQuestion.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            foreach (var (parts, terms) in _together)
            {
                // The phrase reported is the parts side by side: as coverage evidence it counts only if the question says it so.
                if (clauses.Any(c => parts.All(p => c.Contains(p, StringComparison.Ordinal)))) (result ??= []).Add(new SynonymRule(string.Concat(parts), terms));
            }
        }
        return result ?? (IReadOnlyList<SynonymRule>)[];
    }

    private static string[] Sides(string side) =>
        side.Split([',', '，', '、', ';', '；'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    private static string[] Split(string side) => Sides(side).Select(TextNormalizer.Normalize).Where(s => s.Length > 0).ToArray();
}
