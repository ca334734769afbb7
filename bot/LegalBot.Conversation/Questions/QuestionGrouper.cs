using LegalBot.Knowledge.Search;
using LegalBot.Knowledge.Text;

namespace LegalBot.Conversation.Questions;

/// <summary>Near-duplicate questions as one line for staff: the newest wording, how often, and why they are listed.</summary>
/// <param name="Question">The newest wording of the group.</param>
/// <param name="Members">Every logged question of the group, newest first.</param>
public sealed record QuestionGroup(string Question, IReadOnlyList<AskedQuestion> Members)
{
    public int Count => Members.Count;
    public DateTimeOffset Latest => Members[0].At;
    public IReadOnlyList<AskedKind> Kinds => Members.Select(m => m.Kind).Distinct().Order().ToList();

    /// <summary>The source the bot came closest with most often, for the attach suggestion.</summary>
    public string? BestSource => Members.Where(m => m.BestSource is not null).GroupBy(m => m.BestSource).OrderByDescending(g => g.Count()).FirstOrDefault()?.Key;
}

/// <summary>
/// Groups the questions staff should look at by similarity: character-bigram Jaccard over the same normalisation
/// the index uses (width, numerals, traditional characters folded; question scaffolding such as 请问/怎么办 removed),
/// so "老板拖欠工资怎么办" and "请问老板拖欠我工资" land in one group. Pure: no I/O.
/// </summary>
public static partial class QuestionGrouper
{
    /// <summary>Questions at least this similar are one group (0.5: most content bigrams shared).</summary>
    public const double DefaultThreshold = 0.5;

    /// <summary>Groups newest first; each question joins the group holding its most similar member, if similar enough.</summary>
    public static IReadOnlyList<QuestionGroup> Group(IEnumerable<AskedQuestion> questions, double threshold = DefaultThreshold)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(threshold, 0);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(threshold, 1);
        var groups = new List<(List<AskedQuestion> Members, List<Shape> Shapes)>();
        foreach (var q in questions.OrderByDescending(q => q.At))
        {
            var shape = Shape.Of(q.Question);
            var best = -1;
            var bestScore = 0.0;
            for (var g = 0; g < groups.Count; g++)
            {
                var score = groups[g].Shapes.Max(s => Similarity(s, shape));
                if (score >= threshold && score > bestScore) (best, bestScore) = (g, score);
            }
            if (best < 0) groups.Add(([q], [shape]));
            else
            {
                groups[best].Members.Add(q);
                groups[best].Shapes.Add(shape);
            }
        }
        return groups.Select(g => new QuestionGroup(g.Members[0].Question, g.Members)).ToList();
    }

    /// <summary>Bigram Jaccard similarity of two questions (0–1); identical normalised text is 1.</summary>
    public static double Similarity(string a, string b) => Similarity(Shape.Of(a), Shape.Of(b));

    private static double Similarity(Shape a, Shape b)
    {
        if (a.Compact.Length > 0 && a.Compact == b.Compact) return 1;
        if (a.Bigrams.Count == 0 || b.Bigrams.Count == 0) return 0;
        var shared = a.Bigrams.Count(b.Bigrams.Contains);
        return (double)shared / (a.Bigrams.Count + b.Bigrams.Count - shared);
    }

    [System.Text.RegularExpressions.GeneratedRegex(@"[0-9*＊]*[*＊][0-9*＊]*")]
    private static partial System.Text.RegularExpressions.Regex MaskedNumber();

    private sealed record Shape(string Compact, HashSet<string> Bigrams)
    {
        public static Shape Of(string question)
        {
            // Masked numbers (138****5678) are nobody's wording: as numerals they would make every bigram different.
            var core = StopPhrases.Remove(TextNormalizer.Normalize(TextNormalizer.WithoutIdentifiers(MaskedNumber().Replace(question, " "))));
            return new Shape(core.Replace(" ", "", StringComparison.Ordinal), QueryCoverage.Bigrams(core));
        }
    }
}
