using LegalBot.Knowledge.Documents;

namespace LegalBot.Knowledge.Offices;

/// <summary>What a citizen's words say about where they are.</summary>
public enum AreaLookupOutcome
{
    /// <summary>One place, precise enough for the purpose.</summary>
    Found,
    /// <summary>Several places fit (two villages of the same name, two towns named): ask which.</summary>
    Ambiguous,
    /// <summary>A place was recognised but it is too coarse (the county only): ask for the town.</summary>
    TooCoarse,
    /// <summary>No known place in the text.</summary>
    Unknown,
}

/// <param name="Candidates">For Ambiguous: the places to choose from; for TooCoarse: the towns of the county.</param>
public sealed record AreaLookup(AreaLookupOutcome Outcome, Area? Area, IReadOnlyList<Area> Candidates);

/// <summary>
/// The office directory: every office in the knowledge folder and the gazetteer of places their
/// jurisdictions name. Immutable; rebuilt whenever the folder changes. No I/O.
/// </summary>
public sealed class OfficeDirectory
{
    public static readonly OfficeDirectory Empty = new([]);

    private readonly List<(string Name, List<Area> Areas)> _names;

    public OfficeDirectory(IReadOnlyList<Office> offices)
    {
        Offices = offices.OrderBy(o => o.Id, StringComparer.Ordinal).ToList();
        var names = new List<(string, Area)>();
        var areas = new HashSet<Area>();
        foreach (var o in Offices)
        {
            var j = o.Jurisdiction;
            var county = new Area(j.County);
            Add(names, areas, county, [j.County, .. j.CountyAliases]);
            foreach (var t in j.Towns)
            {
                var town = new Area(j.County, t.Name);
                Add(names, areas, town, [t.Name, .. t.Aliases]);
                foreach (var v in t.Villages) Add(names, areas, new Area(j.County, t.Name, v.Name), [v.Name, .. v.Aliases]);
            }
        }
        // Longest names first, so 东关村 wins over 东关 and a village over the town it contains.
        _names = names.GroupBy(n => n.Item1, StringComparer.Ordinal)
            .Select(g => (g.Key, g.Select(n => n.Item2).Distinct().ToList()))
            .OrderByDescending(n => n.Key.Length).ThenBy(n => n.Key, StringComparer.Ordinal).ToList();
        Areas = areas;
    }

    public IReadOnlyList<Office> Offices { get; }

    /// <summary>Every place any office names.</summary>
    public IReadOnlySet<Area> Areas { get; }

    /// <summary>Builds the directory from the indexed documents of kind office (their front matter was validated at parse time).</summary>
    public static OfficeDirectory FromDocuments(IEnumerable<DocumentInfo> documents)
    {
        var offices = new List<Office>();
        foreach (var d in documents.Where(d => d.Kind == DocumentKind.Office && d.FrontMatter is not null))
        {
            var ignored = new List<KnowledgeDiagnostic>();
            if (OfficeProfile.Parse(d.FrontMatter!, 1, d.SourcePath, d.Id, d.Title, ignored) is { } office) offices.Add(office);
        }
        return new OfficeDirectory(offices);
    }

    public Office? Get(string id) => Offices.FirstOrDefault(o => o.Id == id);

    /// <summary>Towns of a county, as options when the citizen has to say which.</summary>
    public IReadOnlyList<Area> TownsOf(string county) =>
        Areas.Where(a => a.County == county && a.Town is not null && a.Village is null)
            .OrderBy(a => a.Town, StringComparer.Ordinal).ToList();

    /// <summary>
    /// Finds the place named in <paramref name="text"/> ("我在城关镇", "东关村的"). A village and the town it
    /// lies in confirm each other; two candidates that do not nest make the answer ambiguous.
    /// </summary>
    /// <param name="minimum">The precision the caller needs; a coarser match is <see cref="AreaLookupOutcome.TooCoarse"/>.</param>
    public AreaLookup Resolve(string text, OfficeScope minimum = OfficeScope.Town)
    {
        var compact = new string(text.Where(c => !char.IsWhiteSpace(c)).ToArray());
        var matched = new List<Area>();
        var taken = new bool[compact.Length];
        foreach (var (name, areas) in _names)
        {
            for (var at = compact.IndexOf(name, StringComparison.Ordinal); at >= 0; at = compact.IndexOf(name, at + 1, StringComparison.Ordinal))
            {
                if (taken.AsSpan(at, name.Length).Contains(true)) continue;
                taken.AsSpan(at, name.Length).Fill(true);
                foreach (var area in areas) if (!matched.Contains(area)) matched.Add(area);
            }
        }
        if (matched.Count == 0) return new AreaLookup(AreaLookupOutcome.Unknown, null, []);

        // Keep the most specific places: drop any place that contains another matched place.
        var specific = matched.Where(a => !matched.Any(b => b != a && Contains(a, b))).Distinct().ToList();
        if (specific.Count > 1)
        {
            // A town named beside an ambiguous village name picks that town's village (河东镇 + 新村).
            var towns = matched.Where(a => a.Village is null && a.Town is not null).ToList();
            var narrowed = specific.Where(a => towns.Count == 0 || towns.Any(t => Contains(t, a))).ToList();
            if (narrowed.Count > 0) specific = narrowed;
        }
        if (specific.Count > 1) return new AreaLookup(AreaLookupOutcome.Ambiguous, null, specific.OrderBy(a => a.ToString(), StringComparer.Ordinal).ToList());
        var found = specific[0];
        if (found.Precision < minimum) return new AreaLookup(AreaLookupOutcome.TooCoarse, found, TownsOf(found.County));
        return new AreaLookup(AreaLookupOutcome.Found, found, []);
    }

    /// <summary>
    /// The office for a service in a place: offices that take the dispute type explicitly come before those
    /// that take all types, then the most local jurisdiction wins (village committee, then town, then county).
    /// </summary>
    public Office? FindOffice(string service, Area? area, string? dispute = null)
    {
        return Offices
            .Where(o => o.Offers(service) && o.Handles(service, dispute) != false)
            .Where(o => area is null ? o.Jurisdiction.Scope == OfficeScope.County : o.Covers(area))
            .OrderByDescending(o => o.Handles(service, dispute) == true)
            .ThenByDescending(o => (int)o.Jurisdiction.Scope)
            .ThenBy(o => o.Id, StringComparer.Ordinal)
            .FirstOrDefault();
    }

    /// <summary>True when <paramref name="outer"/> contains <paramref name="inner"/> (a county its towns, a town its villages).</summary>
    public static bool Contains(Area outer, Area inner) =>
        outer.County == inner.County && outer.Precision < inner.Precision
        && (outer.Town is null || outer.Town == inner.Town);

    private static void Add(List<(string, Area)> names, HashSet<Area> areas, Area area, IEnumerable<string> spellings)
    {
        areas.Add(area);
        foreach (var s in spellings.Where(s => s.Length > 0))
            if (!names.Contains((s, area))) names.Add((s, area));
    }
}
