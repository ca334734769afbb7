using System.Text.RegularExpressions;
using LegalBot.Knowledge.Documents;
using LegalBot.Knowledge.Index;
using LegalBot.Knowledge.Text;

namespace LegalBot.Knowledge.Search;

/// <summary>
/// Is this a question LegalBot is for (law and public legal services) at all? A stray shared word ("孩子不爱吃饭",
/// "老人手机字体调大") must not be matched to a legal answer. Learned at each refresh: the folder's own legal
/// wordings are the positive examples (matters' ways of asking and titles, guide section headings, the opening words
/// of statute articles), <c>scope-examples.txt</c> gives the everyday ones ("- " lines; "+ " lines add legal ones).
/// </summary>
public sealed class ScopeModel
{
    public const string ExamplesFileName = "scope-examples.txt";
    private const string DefaultResource = "LegalBot.Knowledge.scope-examples.txt";
    private const int StatuteOpening = 40;
    private const int MinimumWordings = 200;
    private static readonly Regex DefinedTerm = new(@"(?:本法所称|本条所称)?“?([\p{IsCJKUnifiedIdeographs}]{2,12})”?，?是指", RegexOptions.CultureInvariant);
    private static readonly Regex HeadingNumber = new(@"^第[一二三四五六七八九十百零〇\d]+[编分章节条]+", RegexOptions.CultureInvariant);

    private readonly NgramClassifier? _classifier;

    private ScopeModel(NgramClassifier? classifier, IReadOnlyList<string> wordings)
    {
        _classifier = classifier;
        CitizenWordings = wordings;
    }

    public static readonly ScopeModel None = new(null, []);

    /// <summary>The folder's matters' ways of asking: ordinary legal questions in citizens' words (the crisis check learns from them too).</summary>
    public IReadOnlyList<string> CitizenWordings { get; }

    /// <summary>Whether there was enough to learn from (without everyday examples, or without matters, there is no scope check).</summary>
    public bool Trained => _classifier is not null;

    /// <summary>Below this probability of being a legal question, a question is declined as out of scope.</summary>
    public const double DeclineBelow = 0.5;

    /// <summary>The probability that the question is about law or a public legal service; 1 when untrained.</summary>
    public double LegalProbability(string question) => _classifier?.Probability(question) ?? 1.0;

    /// <summary>Daily life, not a legal question (never when untrained).</summary>
    public bool IsEveryday(string question) => LegalProbability(question) < DeclineBelow;

    public static async Task<(ScopeModel Model, IReadOnlyList<KnowledgeDiagnostic> Problems)> BuildAsync(string folder, IKnowledgeIndex index,
        CancellationToken cancellationToken)
    {
        var problems = new List<KnowledgeDiagnostic>();
        var path = Path.Combine(folder, ExamplesFileName);
        var text = File.Exists(path) && new FileInfo(path).Length <= 4 * SynonymTable.MaxFileBytes
            ? await File.ReadAllTextAsync(path, cancellationToken).ConfigureAwait(false)
            : ReadDefault();
        var examples = LabelledText.Parse(text, ExamplesFileName, "expected '- 日常的话' or '+ 法律问题'", problems).ToList();
        var documents = await index.GetDocumentsAsync(cancellationToken).ConfigureAwait(false);
        var wordings = new List<string>();
        foreach (var d in documents.Where(d => d.Kind == DocumentKind.Matter))
        {
            foreach (var c in await index.GetChunksAsync(d.Id, cancellationToken).ConfigureAwait(false)) wordings.AddRange(c.QuestionVariants);
        }
        // Without matters the legal side would be statute and guide language only, and a citizen's own words
        // ("包工头跑了") would look like everyday talk: no scope check then. Decided before reading every article,
        // which at province scale is most of a refresh.
        if (wordings.Count < MinimumWordings) return (new ScopeModel(null, wordings), problems);
        var headings = new HashSet<string>(StringComparer.Ordinal);
        foreach (var d in documents)
        {
            if (d.Kind == DocumentKind.Office) continue;
            foreach (var c in await index.GetChunksAsync(d.Id, cancellationToken).ConfigureAwait(false))
            {
                switch (d.Kind)
                {
                    case DocumentKind.Matter:
                        examples.Add(new(d.Title, true));
                        examples.AddRange(c.QuestionVariants.Select(q => new LabelledText(q, true)));
                        break;
                    case DocumentKind.Regulation when c.ArticleLabel is not null:
                        // Chapter names are the statute's own terms (留置权, 居住权): short questions about them are legal.
                        foreach (var h in c.HeadingPath) headings.Add(HeadingNumber.Replace(h, "").Trim());
                        foreach (Match m in DefinedTerm.Matches(c.Text)) headings.Add(m.Groups[1].Value);
                        var body = c.Text.StartsWith(c.ArticleLabel, StringComparison.Ordinal) ? c.Text[c.ArticleLabel.Length..] : c.Text;
                        examples.Add(new(body.Length > StatuteOpening ? body[..StatuteOpening] : body, true));
                        break;
                    default:
                        if (c.HeadingPath.Count > 0) examples.Add(new(d.Title + " " + c.HeadingPath[^1], true));
                        break;
                }
                // Wordings staff attached to a section or article (front matter questions:) are in scope by definition.
                if (d.Kind != DocumentKind.Matter && c.QuestionVariants.Count > 0)
                {
                    examples.AddRange(c.QuestionVariants.Select(q => new LabelledText(q, true)));
                    wordings.AddRange(c.QuestionVariants);
                }
            }
        }
        // The terms also in the question frames everyday examples use ("什么是内卷"), so the frame itself is not taken for everyday talk.
        var terms = headings.Where(h => h.Length >= 2).Order(StringComparer.Ordinal).ToList();
        examples.AddRange(terms.Select(t => new LabelledText(t, true)));
        examples.AddRange(terms.Select((t, i) => new LabelledText(i % 2 == 0 ? "什么是" + t : t + "是什么", true)));
        return (new ScopeModel(NgramClassifier.Train(examples, contentOrder: true), wordings), problems);
    }

    private static string ReadDefault()
    {
        using var stream = typeof(ScopeModel).Assembly.GetManifestResourceStream(DefaultResource);
        if (stream is null) return "";
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
