namespace LegalBot.Knowledge.Offices;

/// <summary>The public legal services an office can offer; the names used in office front matter.</summary>
public static class OfficeServices
{
    public const string LegalAid = "legal-aid";
    public const string Mediation = "mediation";
    public const string Notary = "notary";
    public const string Reconsideration = "reconsideration";
    public const string Petition = "petition";
    public const string LabourArbitration = "labour-arbitration";

    public static readonly IReadOnlySet<string> All = new HashSet<string>(StringComparer.Ordinal)
        { LegalAid, Mediation, Notary, Reconsideration, Petition, LabourArbitration };
}

/// <summary>How far an office's jurisdiction reaches: the whole county, the listed towns, or only the listed villages.</summary>
public enum OfficeScope
{
    County = 1,
    Town = 2,
    Village = 3,
}

/// <param name="Disputes">For mediation: the dispute types this office takes; empty means all types.</param>
public sealed record OfficeService(string Name, IReadOnlyList<string> Disputes);

/// <summary>A named place (town, village or community) with the other names citizens use for it.</summary>
public sealed record NamedArea(string Name, IReadOnlyList<string> Aliases);

public sealed record TownArea(string Name, IReadOnlyList<string> Aliases, IReadOnlyList<NamedArea> Villages);

/// <param name="Towns">Towns in the jurisdiction (with their villages and communities); they also feed the gazetteer.</param>
public sealed record Jurisdiction(string County, IReadOnlyList<string> CountyAliases, OfficeScope Scope, IReadOnlyList<TownArea> Towns);

/// <summary>A public legal service office from <c>knowledge/offices/*.md</c>.</summary>
/// <param name="Webhook">Where new-case notifications go (WeCom group robot by default); null when none.</param>
/// <param name="Demo">True for demo data (shown on the card so no citizen takes it for a real address).</param>
public sealed record Office(
    string Id,
    string Name,
    IReadOnlyList<OfficeService> Services,
    Jurisdiction Jurisdiction,
    string Address,
    string Phone,
    string Hours,
    Uri? Webhook,
    bool Demo,
    string SourcePath)
{
    public bool Offers(string service) => Services.Any(s => s.Name == service);

    /// <summary>Whether the office handles <paramref name="dispute"/> explicitly (true), as one of all types (null) or not at all (false).</summary>
    public bool? Handles(string service, string? dispute)
    {
        var s = Services.FirstOrDefault(x => x.Name == service);
        if (s is null) return false;
        if (s.Disputes.Count == 0 || dispute is null) return null;
        return s.Disputes.Contains(dispute) ? true : false;
    }

    public bool Covers(Area area)
    {
        if (area.County != Jurisdiction.County) return false;
        return Jurisdiction.Scope switch
        {
            OfficeScope.County => true,
            OfficeScope.Town => area.Town is not null && Jurisdiction.Towns.Any(t => t.Name == area.Town),
            _ => area.Village is not null && Jurisdiction.Towns.Any(t => t.Name == area.Town && t.Villages.Any(v => v.Name == area.Village)),
        };
    }
}

/// <summary>A place in the gazetteer: a county, a town in it, or a village/community in that town.</summary>
public sealed record Area(string County, string? Town = null, string? Village = null)
{
    public OfficeScope Precision => Village is not null ? OfficeScope.Village : Town is not null ? OfficeScope.Town : OfficeScope.County;

    /// <summary>As citizens write it: 城关镇东关村 (the county is left out below county level).</summary>
    public string Display => Town is null ? County : Town + Village;

    public override string ToString() => string.Join('/', new[] { County, Town, Village }.Where(x => x is not null));
}
