using System.Globalization;
using LegalBot.Knowledge.Index;
using LegalBot.Knowledge.Text;

namespace LegalBot.Knowledge.Documents;

/// <summary>A statute LegalBot knows by name, with the date of its current text when staff recorded it.</summary>
/// <param name="VersionDate">When the current text was adopted or last amended (a folder text older than this is out of date).</param>
/// <param name="InForce">When the current text took effect.</param>
public sealed record KnownStatute(string Name, DateOnly? VersionDate, DateOnly? InForce);

/// <summary>
/// The statutes references may name (<c>knowledge/statutes.txt</c>, staff-editable; the repository's file is compiled
/// in as the default). A name that is neither here nor in the folder is a mistake, usually a typo.
/// </summary>
public sealed class StatuteRegistry
{
    public const string FileName = "statutes.txt";
    private const string DefaultResource = "LegalBot.Knowledge.statutes.txt";
    private readonly Dictionary<string, KnownStatute> _byName;

    private StatuteRegistry(IEnumerable<KnownStatute> statutes) =>
        _byName = statutes.GroupBy(s => s.Name, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Last(), StringComparer.Ordinal);

    public static StatuteRegistry Default { get; } = LoadDefault();

    public KnownStatute? Get(string law) => _byName.GetValueOrDefault(law);

    public bool Knows(string law) => _byName.ContainsKey(law);

    private static StatuteRegistry LoadDefault()
    {
        using var stream = typeof(StatuteRegistry).Assembly.GetManifestResourceStream(DefaultResource)
            ?? throw new InvalidOperationException("the default statute registry is not compiled in");
        using var reader = new StreamReader(stream);
        var problems = new List<KnowledgeDiagnostic>();
        var registry = Parse(reader.ReadToEnd(), FileName, problems);
        return problems.Count > 0 ? throw new InvalidOperationException("the default statute registry has problems: " + string.Join("; ", problems)) : registry;
    }

    /// <summary>The folder's statutes.txt, or the default when it has none.</summary>
    public static async Task<(StatuteRegistry Registry, IReadOnlyList<KnowledgeDiagnostic> Problems)> LoadAsync(string folder, CancellationToken cancellationToken)
    {
        var path = Path.Combine(folder, FileName);
        if (!File.Exists(path)) return (Default, []);
        if (new FileInfo(path).Length > SynonymTable.MaxFileBytes) return (Default, [new(FileName, 1, "too large: not loaded, the built-in list is used")]);
        var problems = new List<KnowledgeDiagnostic>();
        return (Parse(await File.ReadAllTextAsync(path, cancellationToken).ConfigureAwait(false), FileName, problems), problems);
    }

    public static StatuteRegistry Parse(string text, string path, List<KnowledgeDiagnostic> problems)
    {
        var statutes = new List<KnownStatute>();
        var lines = text.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            var line = lines[i];
            var hash = line.IndexOf('#', StringComparison.Ordinal);
            if (hash >= 0) line = line[..hash];
            var parts = line.Split(['|', '｜'], StringSplitOptions.TrimEntries);
            if (parts[0].Length == 0) continue;
            DateOnly? Date(int index)
            {
                if (parts.Length <= index || parts[index].Length == 0) return null;
                if (DateOnly.TryParseExact(parts[index], "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d)) return d;
                problems.Add(new(path, i + 1, $"'{parts[index]}' is not a date (YYYY-MM-DD)"));
                return null;
            }
            statutes.Add(new KnownStatute(LawNames.Shorten(parts[0]), Date(1), Date(2)));
        }
        return new StatuteRegistry(statutes);
    }
}

/// <summary>The statute articles the folder holds, by (short law name, label): what a matter's references are quoted from.</summary>
public sealed class StatuteIndex
{
    public static readonly StatuteIndex Empty = new([]);

    private readonly Dictionary<(string Law, string Article), ChunkHit> _articles;
    private readonly Dictionary<string, DocumentInfo> _laws;

    private StatuteIndex(IEnumerable<ChunkHit> articles)
    {
        _articles = new Dictionary<(string, string), ChunkHit>();
        _laws = new Dictionary<string, DocumentInfo>(StringComparer.Ordinal);
        foreach (var a in articles)
        {
            var law = a.Document.ShortTitle;
            _articles.TryAdd((law, a.Chunk.ArticleLabel!), a);
            _laws.TryAdd(law, a.Document);
        }
    }

    public static async Task<StatuteIndex> BuildAsync(IKnowledgeIndex index, CancellationToken cancellationToken)
    {
        var articles = new List<ChunkHit>();
        foreach (var d in (await index.GetDocumentsAsync(cancellationToken).ConfigureAwait(false)).Where(d => d.Kind == DocumentKind.Regulation))
            foreach (var c in await index.GetChunksAsync(d.Id, cancellationToken).ConfigureAwait(false))
                if (c.ArticleLabel is not null) articles.Add(new ChunkHit(c, d, 0));
        return new StatuteIndex(articles);
    }

    /// <summary>Whether the folder holds this statute's text at all.</summary>
    public bool Holds(string law) => _laws.ContainsKey(law);

    /// <summary>One document of the statute (for its title, date and link); for 民法典, any of its parts.</summary>
    public DocumentInfo? Statute(string law) => _laws.GetValueOrDefault(law);

    public ChunkHit? Article(ArticleReference reference) => _articles.GetValueOrDefault((reference.Law, reference.Article));

    public IEnumerable<string> Laws => _laws.Keys;
}

/// <summary>
/// Proves every reference of the folder's matters and guides: the law must be known (in the folder or in
/// statutes.txt); when the folder holds the statute, the article must exist and the quoted words must be in it
/// (whitespace ignored, "……" joining pieces in order). A statute the folder does not hold is one warning per law;
/// a folder statute older than its current text is a warning too.
/// </summary>
public static class ReferenceCheck
{
    /// <param name="extra">References made outside the index (lessons, quizzes), with their files.</param>
    public static async Task<IReadOnlyList<KnowledgeDiagnostic>> RunAsync(IKnowledgeIndex index, StatuteIndex statutes, StatuteRegistry registry,
        CancellationToken cancellationToken, IEnumerable<(string Path, ArticleReference Reference)>? extra = null)
    {
        var problems = new List<KnowledgeDiagnostic>();
        var unverifiable = new Dictionary<string, (string Path, int Count)>(StringComparer.Ordinal);
        void Check(string path, int line, ArticleReference r)
        {
            if (!statutes.Holds(r.Law))
            {
                if (!registry.Knows(r.Law))
                    problems.Add(new(path, line, $"unknown law '{r.Law}' (not in the folder nor in {StatuteRegistry.FileName}; use the short name, e.g. 劳动合同法)"));
                else
                    unverifiable[r.Law] = (unverifiable.TryGetValue(r.Law, out var u) ? u.Path : path, (u.Count) + 1);
                return;
            }
            if (statutes.Article(r) is not { } article)
            {
                problems.Add(new(path, line, $"{r.Law}{r.Article} does not exist in the folder's {r.Law}"));
                return;
            }
            if (r.Quote is { Length: > 0 } quote && QuoteMismatch(quote, article.Chunk.Text) is { } piece)
                problems.Add(new(path, line, $"the quote of {r.Law}{r.Article} does not match the article at “{piece}”"));
        }
        foreach (var d in await index.GetDocumentsAsync(cancellationToken).ConfigureAwait(false))
        {
            if (d.Kind == DocumentKind.Regulation) continue;
            foreach (var c in await index.GetChunksAsync(d.Id, cancellationToken).ConfigureAwait(false))
                foreach (var r in c.ArticleReferences)
                    Check(d.SourcePath, r.Line > 0 ? r.Line : c.Line, r);
        }
        foreach (var (path, r) in extra ?? []) Check(path, Math.Max(r.Line, 1), r);
        foreach (var (law, (path, count)) in unverifiable.OrderBy(u => u.Key, StringComparer.Ordinal))
            problems.Add(new(path, 1, $"{count} reference(s) to {law} cannot be verified: the folder does not hold its text", IsWarning: true));
        foreach (var law in statutes.Laws)
        {
            var held = statutes.Statute(law)!;
            if (registry.Get(law) is { VersionDate: { } current } known && held.Effective is { } date && date < current)
                problems.Add(new(held.SourcePath, 1, $"this is the {date:yyyy-MM-dd} text of {law}; the current text is of {current:yyyy-MM-dd}" +
                    (known.InForce is { } inForce ? $", in force since {inForce:yyyy-MM-dd}" : "") + ": replace it", IsWarning: true));
        }
        return problems;
    }

    /// <summary>The first piece of the quote not found (in order) in the article, or null when it matches.</summary>
    public static string? QuoteMismatch(string quote, string articleText)
    {
        var text = Squeeze(articleText);
        var position = 0;
        foreach (var piece in Squeeze(quote).Split(["……", "…"], StringSplitOptions.RemoveEmptyEntries))
        {
            var at = text.IndexOf(piece, position, StringComparison.Ordinal);
            if (at < 0) return piece;
            position = at + piece.Length;
        }
        return null;
    }

    /// <summary>The quoted words as they stand in the article (with its own spacing): for showing the quote trimmed.</summary>
    public static string? Locate(string quote, string articleText)
    {
        if (QuoteMismatch(quote, articleText) is not null) return null;
        return string.Join("……", Squeeze(quote).Split(["……", "…"], StringSplitOptions.RemoveEmptyEntries));
    }

    private static string Squeeze(string s) => new(s.Where(c => !char.IsWhiteSpace(c) && c != '*').ToArray());
}
