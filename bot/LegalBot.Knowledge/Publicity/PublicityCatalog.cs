using LegalBot.Knowledge.Documents;

namespace LegalBot.Knowledge.Publicity;

/// <summary>
/// The folder's 普法 content — lessons, quizzes and campaigns — checked and ready to choose from. Swapped whole with
/// the rest of the knowledge view on each refresh. Choosing is pure: the day, what the citizen asked and read go in.
/// </summary>
public sealed class PublicityCatalog
{
    public static readonly PublicityCatalog Empty = new([], [], [], new Dictionary<string, IReadOnlyList<ArticleReference>>());

    private readonly Dictionary<string, Lesson> _lessons;
    private readonly Dictionary<string, QuizQuestion> _questions;
    private readonly Dictionary<string, IReadOnlyList<string>> _coverage;

    private PublicityCatalog(IReadOnlyList<Lesson> lessons, IReadOnlyList<Quiz> quizzes, IReadOnlyList<Campaign> campaigns,
        IReadOnlyDictionary<string, IReadOnlyList<ArticleReference>> matterReferences)
    {
        Lessons = lessons;
        Quizzes = quizzes;
        Campaigns = campaigns;
        _lessons = lessons.ToDictionary(l => l.Id, StringComparer.Ordinal);
        _questions = quizzes.SelectMany(q => q.Questions).ToDictionary(q => q.Id, StringComparer.Ordinal);
        // A lesson covers a matter it names, or one whose governing articles it teaches.
        _coverage = matterReferences.ToDictionary(m => m.Key, m => (IReadOnlyList<string>)lessons
            .Where(l => l.Matters.Contains(m.Key) || l.References.Any(r => m.Value.Any(x => x.Law == r.Law && x.Article == r.Article)))
            .Select(l => l.Id).ToList(), StringComparer.Ordinal);
    }

    public IReadOnlyList<Lesson> Lessons { get; }
    public IReadOnlyList<Quiz> Quizzes { get; }
    public IReadOnlyList<Campaign> Campaigns { get; }

    public static bool IsPublicityKind(DocumentKind kind) => kind is DocumentKind.Lesson or DocumentKind.Quiz or DocumentKind.Campaign;

    public Lesson? Lesson(string id) => _lessons.GetValueOrDefault(id);

    public QuizQuestion? Question(string id) => _questions.GetValueOrDefault(id);

    public Campaign? Campaign(string id) => Campaigns.FirstOrDefault(c => c.Id == id);

    /// <summary>The lessons that cover a matter (for 精准普法: is the most-asked matter taught?).</summary>
    public IReadOnlyList<string> LessonsCovering(string matterId) => _coverage.GetValueOrDefault(matterId) ?? [];

    public IEnumerable<Campaign> ActiveCampaigns(DateOnly day) => Campaigns.Where(c => c.IsActive(day));

    public IEnumerable<Lesson> LessonsOf(Campaign campaign) =>
        Lessons.Where(l => campaign.Lessons.Contains(l.Id) || campaign.IsNamedBy(l.Campaign));

    public IEnumerable<QuizQuestion> QuestionsOf(Campaign campaign) =>
        Quizzes.Where(q => campaign.Quizzes.Contains(q.Id) || campaign.IsNamedBy(q.Campaign)).SelectMany(q => q.Questions);

    /// <summary>
    /// Today's lesson: one that covers what the citizen asked about last, else one of a campaign running today, else
    /// one in season, else any — each time skipping lessons already read while others remain. Stable within a day.
    /// </summary>
    public Lesson? PickLesson(DateOnly day, string? lastMatterId, IReadOnlyCollection<string> read)
    {
        if (Lessons.Count == 0) return null;
        var unread = Lessons.Where(l => !read.Contains(l.Id)).ToList();
        if (unread.Count == 0) unread = [.. Lessons];
        var covering = lastMatterId is null ? [] : LessonsCovering(lastMatterId);
        var campaign = ActiveCampaigns(day).SelectMany(LessonsOf).Select(l => l.Id).ToHashSet(StringComparer.Ordinal);
        IEnumerable<Lesson>[] tiers =
        [
            unread.Where(l => covering.Contains(l.Id)),
            unread.Where(l => campaign.Contains(l.Id)),
            unread.Where(l => l.Months.Contains(day.Month)),
            unread.Where(l => l.Months.Count == 0 && l.Campaign is null),
            unread,
        ];
        foreach (var tier in tiers)
        {
            var list = tier.ToList();
            if (list.Count > 0) return list[day.DayNumber % list.Count];
        }
        return null;
    }

    /// <summary>
    /// <paramref name="count"/> questions for a quiz: from a campaign running today when it has enough, else from all;
    /// shuffled by <paramref name="seed"/>, questions already asked last when there are not enough new ones.
    /// </summary>
    public (IReadOnlyList<QuizQuestion> Questions, Campaign? Campaign) PickQuiz(DateOnly day, int count, int seed, IReadOnlyCollection<string> asked)
    {
        var campaign = ActiveCampaigns(day).FirstOrDefault(c => QuestionsOf(c).Count() >= count);
        var pool = (campaign is null ? _questions.Values : QuestionsOf(campaign)).OrderBy(q => q.Id, StringComparer.Ordinal).ToList();
        var random = new Random(seed);
        var picked = pool.Where(q => !asked.Contains(q.Id)).OrderBy(_ => random.Next())
            .Concat(pool.Where(q => asked.Contains(q.Id)).OrderBy(_ => random.Next()))
            .Take(count).ToList();
        return (picked, campaign);
    }

    /// <summary>
    /// Reads every lesson, quiz and campaign file of the folder and checks them: formats, unique ids, the campaigns and
    /// matters they name, and (with the folder's statutes) every reference, as for matters.
    /// </summary>
    /// <param name="matterReferences">The folder's matters (id → governing articles), as indexed.</param>
    public static async Task<(PublicityCatalog Catalog, IReadOnlyList<KnowledgeDiagnostic> Problems)> LoadAsync(string folder,
        IReadOnlyDictionary<string, IReadOnlyList<ArticleReference>> matterReferences, KnowledgeLimits limits, CancellationToken cancellationToken)
    {
        var problems = new List<KnowledgeDiagnostic>();
        var lessons = new List<Lesson>();
        var quizzes = new List<Quiz>();
        var campaigns = new List<Campaign>();
        var ids = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var file in KnowledgeFolder.EnumerateDocuments(folder, limits).Files)
        {
            var text = await File.ReadAllTextAsync(file.FullPath, cancellationToken).ConfigureAwait(false);
            if (PublicityParser.PeekKind(text) is null) continue;
            if (PublicityParser.Parse(file.RelativePath, text, problems) is not { } parsed) continue;
            var (id, line) = parsed.Lesson?.Id is { } l ? (l, 1) : parsed.Quiz?.Id is { } q ? (q, 1) : (parsed.Campaign!.Id, 1);
            if (!ids.TryAdd(id, file.RelativePath))
            {
                problems.Add(new(file.RelativePath, line, $"id '{id}' is already used by {ids[id]}: this file is not served"));
                continue;
            }
            if (parsed.Lesson is { } lesson) lessons.Add(lesson);
            if (parsed.Quiz is { } quiz) quizzes.Add(quiz);
            if (parsed.Campaign is { } campaign) campaigns.Add(campaign);
        }

        var questionIds = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var quiz in quizzes)
            foreach (var q in quiz.Questions.Where(q => !questionIds.TryAdd(q.Id, quiz.SourcePath)))
                problems.Add(new(quiz.SourcePath, 1, $"question id '{q.Id}' is already used in {questionIds[q.Id]}"));
        bool NamesCampaign(string? value) => value is null || campaigns.Any(c => c.IsNamedBy(value));
        foreach (var lesson in lessons)
        {
            if (!NamesCampaign(lesson.Campaign)) problems.Add(new(lesson.SourcePath, 1, $"campaign '{lesson.Campaign}' is not a campaign of the folder (campaigns/)"));
            foreach (var m in lesson.Matters.Where(m => !matterReferences.ContainsKey(m)))
                problems.Add(new(lesson.SourcePath, 1, $"matter '{m}' does not exist (write the id of a matter in matters/)"));
        }
        foreach (var quiz in quizzes.Where(q => !NamesCampaign(q.Campaign)))
            problems.Add(new(quiz.SourcePath, 1, $"campaign '{quiz.Campaign}' is not a campaign of the folder (campaigns/)"));
        foreach (var c in campaigns)
        {
            foreach (var l in c.Lessons.Where(l => !lessons.Any(x => x.Id == l))) problems.Add(new(c.SourcePath, 1, $"lesson '{l}' does not exist"));
            foreach (var q in c.Quizzes.Where(q => !quizzes.Any(x => x.Id == q))) problems.Add(new(c.SourcePath, 1, $"quiz '{q}' does not exist"));
        }
        return (new PublicityCatalog(lessons, quizzes, campaigns, matterReferences), problems);
    }

    /// <summary>Every reference the catalog makes, with its file: for the folder's reference check.</summary>
    public IEnumerable<(string Path, ArticleReference Reference)> References() =>
        Lessons.SelectMany(l => l.References.Select(r => (l.SourcePath, r)))
            .Concat(Quizzes.SelectMany(q => q.Questions.SelectMany(x => x.References.Select(r => (q.SourcePath, r)))));
}
