using LegalBot.Knowledge.Documents;
using LegalBot.Knowledge.Text;

namespace LegalBot.Knowledge.Safety;

/// <summary>
/// A way an emergency is worded: parts that must occur in order within one sentence, each part any of its
/// alternatives, with at most <see cref="MaxGap"/> characters between consecutive parts ({孩子}…{不见} matches
/// "儿子放学一直没回家"). A plain word is one part with one alternative.
/// </summary>
public sealed record CrisisPattern(string Source, IReadOnlyList<IReadOnlyList<string>> Parts)
{
    public const int MaxGap = 12;

    public override string ToString() => Source;
}

/// <summary>One kind of emergency: what to call, what to say first, and the words that reveal it.</summary>
/// <param name="Id">Stable id (self-harm, violence, traffic …), for logs and evaluation.</param>
/// <param name="Numbers">Numbers to call, most important first (110, 120, 119, 122).</param>
/// <param name="Lead">The reply's first sentence: it names the number first.</param>
/// <param name="Step">One short safety step.</param>
/// <param name="LegalQuestion">What to look up for the legal help that follows, if anything.</param>
/// <param name="Strong">Words that mean danger now unless the sentence is about the past or a hypothesis.</param>
/// <param name="Weak">Words that mean danger only with a "now" word, a companion word, or (if allowed) an intent word before them.</param>
/// <param name="Companions">Words that make a weak word urgent.</param>
/// <param name="IntentCounts">Whether an intent word right before a weak word (要跳楼, 想自杀) is enough.</param>
/// <param name="TopicSuppresses">Whether a sentence that asks about a legal topic (判几年, 能告吗) with no "now" word is no emergency even for strong words.</param>
public sealed record CrisisCategory(
    string Id,
    string Name,
    IReadOnlyList<string> Numbers,
    string Lead,
    string Step,
    string? LegalQuestion,
    IReadOnlyList<CrisisPattern> Strong,
    IReadOnlyList<CrisisPattern> Weak,
    IReadOnlyList<CrisisPattern> Companions,
    bool IntentCounts,
    bool TopicSuppresses = true);

/// <summary>
/// The staff-editable crisis vocabulary (<c>knowledge/crisis.txt</c>): categories in priority order and the
/// marker word lists (now, past, hypothetical, already handled, legal question framing, intent, exclusions).
/// The repository's file is also compiled in as the default, so a knowledge folder without one is never
/// without crisis detection. Pure data; the detector lives in the conversation engine.
/// </summary>
public sealed class CrisisLexicon
{
    public const string FileName = "crisis.txt";
    public const string ExamplesFileName = "crisis-examples.txt";
    private const string ExamplesExpected = "expected '+ 紧急的消息' or '- 不紧急的消息'";
    private const string DefaultResource = "LegalBot.Knowledge.crisis.txt";
    private const string DefaultExamplesResource = "LegalBot.Knowledge.crisis-examples.txt";

    public IReadOnlyList<CrisisCategory> Categories { get; }
    public IReadOnlyList<string> NowStrong { get; }
    public IReadOnlyList<string> NowWeak { get; }
    public IReadOnlyList<string> Past { get; }
    public IReadOnlyList<string> Hypothetical { get; }
    public IReadOnlyList<string> Handled { get; }
    /// <summary>A pattern told as background (经常, 动不动就, 好几回, 这些年): silences weak words and the "now" words it governs, never strong ones.</summary>
    public IReadOnlyList<string> Habitual { get; }
    public IReadOnlyList<string> LegalFraming { get; }
    /// <summary>A claim after the event (赔, 要钱, 起诉, 违法吗): what turns a told harm into a consultation about it.</summary>
    public IReadOnlyList<string> Claim { get; }
    /// <summary>Wordings of a legal-topic question (判几年, 算…还是): patterns, so "…" works as in categories.</summary>
    public IReadOnlyList<CrisisPattern> LegalTopic { get; }
    /// <summary>Signs of danger to a person (a body or life hurt, fire, gas, poison, a child or elder missing, confinement, self-harm, a threat).</summary>
    public IReadOnlyList<CrisisPattern> DangerSigns { get; }
    /// <summary>What a consultation about money, property, reputation or privacy is about (工钱, 存款, 车被砸, 造谣, 摄像头).</summary>
    public IReadOnlyList<CrisisPattern> PropertyTopics { get; }
    /// <summary>A victim's state that is danger whatever is asked after it (躺着不动, 血止不住): a claim question does not make it a story.</summary>
    public IReadOnlyList<CrisisPattern> StillCritical { get; private init; } = [];
    public IReadOnlyList<string> Intent { get; }
    public IReadOnlyList<string> Excluded { get; }
    /// <summary>Everyday activities told with a danger character (打毛衣, 打篮球, 打点滴): masked like <see cref="Excluded"/>, and with no
    /// danger sign they mark the message as daily life, as a figure of speech does.</summary>
    public IReadOnlyList<string> Everyday { get; }

    /// <summary>Messages staff marked as danger now (+) or not (-), for the learned second opinion.</summary>
    public IReadOnlyList<LabelledText> Examples { get; private set; } = [];

    /// <summary>The same vocabulary with other examples (for cross-validating the learned opinion).</summary>
    public CrisisLexicon WithExamples(IReadOnlyList<LabelledText> examples)
    {
        var copy = (CrisisLexicon)MemberwiseClone();
        copy.Examples = examples;
        return copy;
    }

    /// <summary>Common misspellings and their corrections (救明 → 救命), applied to a message before anything else.</summary>
    public IReadOnlyList<(string Wrong, string Right)> Homophones { get; }

    private CrisisLexicon(IReadOnlyList<CrisisCategory> categories, IReadOnlyDictionary<string, List<string>> lists, IReadOnlyList<(string, string)> homophones,
        IReadOnlyList<CrisisPattern> legalTopic, IReadOnlyList<CrisisPattern> dangerSigns, IReadOnlyList<CrisisPattern> propertyTopics)
    {
        Categories = categories;
        DangerSigns = dangerSigns;
        PropertyTopics = propertyTopics;
        Homophones = homophones;
        LegalTopic = legalTopic;
        IReadOnlyList<string> Get(string key) => lists.TryGetValue(key, out var l) ? l : [];
        NowStrong = Get("时间:现在-强");
        NowWeak = Get("时间:现在-弱");
        Past = Get("时间:过去");
        Hypothetical = Get("时间:假设");
        Handled = Get("已处理");
        Habitual = Get("时间:惯常");
        LegalFraming = Get("法律问法");
        Claim = Get("追责问法");
        Intent = Get("意图");
        Excluded = Get("不算");
        Everyday = Get("日常");
    }

    private static readonly string[] ListSections = ["时间:现在-强", "时间:现在-弱", "时间:过去", "时间:假设", "时间:惯常", "已处理", "法律问法", "追责问法", "法律话题", "意图", "不算", "日常", "危险信号", "财物话题", "仍危急"];
    private const string HomophoneSection = "同音";
    private const string DangerSection = "危险信号";
    private const string PropertySection = "财物话题";
    private const string CriticalSection = "仍危急";
    private const string LegalTopicSection = "法律话题";
    private const string ConceptPrefix = "概念";

    /// <summary>The compiled-in default (the repository's knowledge/crisis.txt).</summary>
    public static CrisisLexicon Default { get; } = LoadDefault();

    private static CrisisLexicon LoadDefault()
    {
        var problems = new List<KnowledgeDiagnostic>();
        var lexicon = Parse(ReadResource(DefaultResource), FileName, problems);
        lexicon.Examples = LabelledText.Parse(ReadResource(DefaultExamplesResource), ExamplesFileName, ExamplesExpected, problems);
        if (problems.Count > 0) throw new InvalidOperationException("the default crisis lexicon has problems: " + string.Join("; ", problems));
        return lexicon;
    }

    private static string ReadResource(string name)
    {
        using var stream = typeof(CrisisLexicon).Assembly.GetManifestResourceStream(name)
            ?? throw new InvalidOperationException($"{name} is not compiled in");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    /// <summary>"+ message" (danger now) and "- message" (not) lines; '#' starts a comment line.</summary>
    /// <summary>
    /// Loads <c>{folder}/crisis.txt</c>; without one, or when it defines no category, the default (and a problem saying so
    /// for a broken file). Problems are reported with file and line; bad lines are skipped.
    /// </summary>
    public static async Task<(CrisisLexicon Lexicon, IReadOnlyList<KnowledgeDiagnostic> Problems)> LoadAsync(string folder, CancellationToken cancellationToken)
    {
        var path = Path.Combine(folder, FileName);
        if (!File.Exists(path)) return (Default, []);
        if (new FileInfo(path).Length > 2 * SynonymTable.MaxFileBytes)
            return (Default, [new(FileName, 1, $"larger than {SynonymTable.MaxFileBytes / 1024} KB: not loaded, the built-in list is used")]);
        var problems = new List<KnowledgeDiagnostic>();
        var lexicon = Parse(await File.ReadAllTextAsync(path, cancellationToken).ConfigureAwait(false), FileName, problems);
        if (lexicon.Categories.Count == 0)
        {
            problems.Add(new(FileName, 1, "no [类别 …] defined: the built-in list is used"));
            return (Default, problems);
        }
        var examples = Path.Combine(folder, ExamplesFileName);
        lexicon.Examples = !File.Exists(examples) ? Default.Examples
            : new FileInfo(examples).Length > 4 * SynonymTable.MaxFileBytes ? Default.Examples
            : LabelledText.Parse(await File.ReadAllTextAsync(examples, cancellationToken).ConfigureAwait(false), ExamplesFileName, ExamplesExpected, problems);
        return (lexicon, problems);
    }

    public static CrisisLexicon Parse(string text, string path, List<KnowledgeDiagnostic> problems)
    {
        var lists = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        var concepts = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        var homophones = new List<(string, string)>();
        var legalTopic = new List<CrisisPattern>();
        var dangerSigns = new List<CrisisPattern>();
        var propertyTopics = new List<CrisisPattern>();
        var critical = new List<CrisisPattern>();
        var builders = new List<CategoryBuilder>();
        string? section = null;
        List<string>? concept = null;
        CategoryBuilder? category = null;
        var lines = text.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            var line = lines[i];
            var hash = line.IndexOf('#', StringComparison.Ordinal);
            if (hash >= 0) line = line[..hash];
            line = line.Trim();
            if (line.Length == 0) continue;
            if (line.StartsWith('[') && line.EndsWith(']'))
            {
                var name = line[1..^1].Trim();
                category = null;
                concept = null;
                section = null;
                if (name.StartsWith("类别", StringComparison.Ordinal))
                {
                    var id = name["类别".Length..].Trim();
                    if (id.Length == 0) problems.Add(new(path, i + 1, "a category needs an id: [类别 self-harm]"));
                    else builders.Add(category = new CategoryBuilder(id, i + 1));
                }
                else if (name.StartsWith(ConceptPrefix, StringComparison.Ordinal))
                {
                    var conceptName = name[ConceptPrefix.Length..].Trim();
                    if (conceptName.Length == 0) problems.Add(new(path, i + 1, "a concept needs a name: [概念 孩子]"));
                    else if (!concepts.TryAdd(conceptName, concept = [])) problems.Add(new(path, i + 1, $"concept '{conceptName}' is defined twice"));
                }
                else if (ListSections.Contains(name) || name == HomophoneSection)
                {
                    section = name;
                }
                else
                {
                    problems.Add(new(path, i + 1, $"unknown section [{name}]"));
                    section = null;
                }
                continue;
            }
            if (category is not null)
            {
                var colon = line.IndexOfAny([':', '：']);
                if (colon < 0)
                {
                    problems.Add(new(path, i + 1, "expected '键: 值' inside a category"));
                    continue;
                }
                var key = line[..colon].Trim();
                var value = line[(colon + 1)..].Trim();
                if (!category.Set(key, value, i + 1)) problems.Add(new(path, i + 1, $"unknown key '{key}' (名称, 号码, 首句, 提示, 法律, 强, 弱, 伴随, 意图词, 话题)"));
                continue;
            }
            if (concept is not null)
            {
                concept.AddRange(Words(line));
                continue;
            }
            if (section is null)
            {
                problems.Add(new(path, i + 1, "words outside a section: start with [时间:现在-强], [概念 …], [类别 …] …"));
                continue;
            }
            if (section == HomophoneSection)
            {
                foreach (var pair in line.Split([',', '，', '、'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
                {
                    var eq = pair.IndexOf('=', StringComparison.Ordinal);
                    if (eq <= 0 || eq == pair.Length - 1) problems.Add(new(path, i + 1, $"expected 错=对, got '{pair}'"));
                    else homophones.Add((TextNormalizer.Compact(pair[..eq]), TextNormalizer.Compact(pair[(eq + 1)..])));
                }
                continue;
            }
            if (section is LegalTopicSection or DangerSection or PropertySection or CriticalSection)
            {
                // Patterns, so {概念} and … work as in categories (the concepts they name must be defined above them).
                var target = section switch { LegalTopicSection => legalTopic, DangerSection => dangerSigns, CriticalSection => critical, _ => propertyTopics };
                foreach (var entry in line.Split([',', '，', '、'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
                    if (Compile(entry, concepts, path, i + 1, problems) is { } pattern) target.Add(pattern);
                continue;
            }
            if (!lists.TryGetValue(section, out var list)) lists[section] = list = [];
            list.AddRange(Words(line));
        }

        var categories = new List<CrisisCategory>();
        foreach (var b in builders)
        {
            if (b.Build(path, concepts, problems) is not { } built) continue;
            if (categories.Any(c => c.Id == built.Id)) problems.Add(new(path, b.Line, $"category '{built.Id}' is defined twice"));
            else categories.Add(built);
        }
        return new CrisisLexicon(categories, lists, homophones.OrderByDescending(h => h.Item1.Length).ToList(), legalTopic, dangerSigns, propertyTopics) { StillCritical = critical };
    }

    /// <summary>Compiles "我在{高处}…{绝望}" against the concepts; unknown concepts are problems.</summary>
    internal static CrisisPattern? Compile(string source, IReadOnlyDictionary<string, List<string>> concepts, string path, int line, List<KnowledgeDiagnostic> problems)
    {
        var parts = new List<IReadOnlyList<string>>();
        foreach (var segment in source.Split(["…", "..."], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            IEnumerable<string> alternatives = [""];
            var i = 0;
            while (i < segment.Length)
            {
                if (segment[i] == '{')
                {
                    var close = segment.IndexOf('}', i);
                    if (close < 0)
                    {
                        problems.Add(new(path, line, $"'{source}': missing '}}'"));
                        return null;
                    }
                    var name = segment[(i + 1)..close].Trim();
                    if (!concepts.TryGetValue(name, out var words) || words.Count == 0)
                    {
                        problems.Add(new(path, line, $"'{source}': unknown concept {{{name}}} (define it with [概念 {name}])"));
                        return null;
                    }
                    var captured = alternatives.ToList();
                    alternatives = captured.SelectMany(a => words.Select(w => a + w));
                    i = close + 1;
                }
                else
                {
                    var next = segment.IndexOf('{', i);
                    var literal = TextNormalizer.Compact(next < 0 ? segment[i..] : segment[i..next]);
                    var captured = alternatives.ToList();
                    alternatives = captured.Select(a => a + literal);
                    i = next < 0 ? segment.Length : next;
                }
            }
            var list = alternatives.Where(a => a.Length > 0).Distinct(StringComparer.Ordinal).OrderByDescending(a => a.Length).ToList();
            if (list.Count > 0) parts.Add(list);
        }
        if (parts.Count == 0) return null;
        return new CrisisPattern(source, parts);
    }

    /// <summary>Comma-separated words, compacted as the detector compacts messages (no spaces, simplified, lower case).</summary>
    public static IEnumerable<string> Words(string value) =>
        value.Split([',', '，', '、', ';', '；'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(TextNormalizer.Compact).Where(w => w.Length > 0);


    private sealed class CategoryBuilder(string id, int line)
    {
        public int Line { get; } = line;
        private string? _name, _lead, _step, _legal;
        private List<string> _numbers = [];
        private readonly List<(string Source, int Line)> _strong = [], _weak = [], _companions = [];
        private bool _intent;
        private bool _topic = true;

        public bool Set(string key, string value, int at)
        {
            switch (key)
            {
                case "名称": _name = value; return true;
                case "号码": _numbers = value.Split([',', '，', '、', ' '], StringSplitOptions.RemoveEmptyEntries).ToList(); return true;
                case "首句": _lead = value; return true;
                case "提示": _step = value; return true;
                case "法律": _legal = value.Length == 0 ? null : value; return true;
                case "强": _strong.AddRange(Entries(value).Select(e => (e, at))); return true;
                case "弱": _weak.AddRange(Entries(value).Select(e => (e, at))); return true;
                case "伴随": _companions.AddRange(Entries(value).Select(e => (e, at))); return true;
                case "意图词": _intent = value is "是" or "yes" or "true"; return true;
                case "话题": _topic = value is "是" or "yes" or "true"; return true;
                default: return false;
            }
        }

        private static string[] Entries(string value) =>
            value.Split([',', '，', '、', ';', '；'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

        public CrisisCategory? Build(string path, IReadOnlyDictionary<string, List<string>> concepts, List<KnowledgeDiagnostic> problems)
        {
            var missing = new List<string>();
            if (_numbers.Count == 0) missing.Add("号码");
            if (string.IsNullOrWhiteSpace(_lead)) missing.Add("首句");
            if (_strong.Count + _weak.Count == 0) missing.Add("强 or 弱");
            if (missing.Count > 0)
            {
                problems.Add(new(path, Line, $"category '{id}' needs {string.Join(", ", missing)}"));
                return null;
            }
            if (!_lead!.Contains(_numbers[0], StringComparison.Ordinal))
                problems.Add(new(path, Line, $"category '{id}': 首句 should name {_numbers[0]} first"));
            List<CrisisPattern> Compiled(List<(string Source, int Line)> entries) =>
                entries.Select(e => Compile(e.Source, concepts, path, e.Line, problems)).OfType<CrisisPattern>().ToList();
            return new CrisisCategory(id, _name ?? id, _numbers, _lead, _step ?? "", _legal, Compiled(_strong), Compiled(_weak), Compiled(_companions), _intent, _topic);
        }
    }
}
