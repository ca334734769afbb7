using LegalBot.Knowledge.Publicity;

namespace LegalBot.Conversation.Publicity;

/// <summary>
/// 精准普法 for a period: the publicity figures (lessons read, quizzes, participants, average score, by town and by
/// campaign) and, by town, the most-asked matters with the lessons that cover each, so staff see where a lesson is
/// missing. Pure: the caller fetches the figures and the demand.
/// </summary>
public sealed record PublicityReport(PublicityFigures Figures, IReadOnlyList<CampaignFigure> Campaigns, IReadOnlyList<TownDemand> Towns)
{
    /// <param name="matterTitles">Matter id → title (matters staff removed since keep their id as the title).</param>
    public static PublicityReport Build(PublicityFigures figures, IReadOnlyList<MatterDemand> demand, PublicityCatalog catalog,
        IReadOnlyDictionary<string, string> matterTitles, int mattersPerTown)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(mattersPerTown, 1);
        var campaigns = figures.ByCampaign
            .Select(row => new CampaignFigure(row.Key, row.Key.Length == 0 ? null : catalog.Campaign(row.Key)?.Title ?? row.Key, row))
            .ToList();
        var towns = demand.GroupBy(d => d.Town, StringComparer.Ordinal)
            .Select(g => new TownDemand(g.Key, g.Sum(d => d.Asked), g.OrderByDescending(d => d.Asked).ThenBy(d => d.MatterId, StringComparer.Ordinal)
                .Take(mattersPerTown)
                .Select(d => new MatterCoverage(d.MatterId, matterTitles.GetValueOrDefault(d.MatterId) ?? d.MatterId, d.Asked,
                    catalog.LessonsCovering(d.MatterId).Select(id => catalog.Lesson(id)).OfType<Lesson>().Select(l => new LessonRef(l.Id, l.Title)).ToList()))
                .ToList()))
            .OrderByDescending(t => t.Asked).ThenBy(t => t.Town, StringComparer.Ordinal)
            .ToList();
        return new PublicityReport(figures, campaigns, towns);
    }
}

/// <summary>A campaign's line of figures; <see cref="Title"/> is null for lessons and quizzes outside any campaign.</summary>
public sealed record CampaignFigure(string CampaignId, string? Title, PublicityFigureRow Figures);

/// <summary>A town ("" = not known) and its most-asked matters.</summary>
public sealed record TownDemand(string Town, int Asked, IReadOnlyList<MatterCoverage> Matters);

/// <summary>A matter, how often it was asked, and the lessons that teach it (none: a lesson is missing).</summary>
public sealed record MatterCoverage(string MatterId, string Title, int Asked, IReadOnlyList<LessonRef> Lessons)
{
    public bool Covered => Lessons.Count > 0;
}

public sealed record LessonRef(string Id, string Title);
