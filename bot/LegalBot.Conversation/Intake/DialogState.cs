namespace LegalBot.Conversation.Intake;

/// <summary>
/// An intake or progress-query dialog in progress, persisted with the conversation after every turn so a
/// restart resumes exactly here. <see cref="Fields"/> is replaced, never mutated.
/// </summary>
/// <param name="Flow">legal-aid, mediation or status.</param>
/// <param name="Step">The question being asked (see <see cref="IntakeSteps"/>).</param>
/// <param name="Paused">The citizen asked something else; the dialog waits to be resumed.</param>
/// <param name="Choices">Places offered when the area was ambiguous (as Area paths).</param>
/// <param name="IdempotencyKey">Fixed when the dialog starts; a repeated confirmation files no second case.</param>
/// <param name="Failures">Wrong answers in a row at a verification step (progress query).</param>
public sealed record DialogState(
    string Flow,
    string Step,
    IReadOnlyDictionary<string, string> Fields,
    bool Paused,
    IReadOnlyList<string> Choices,
    string IdempotencyKey,
    int Failures = 0)
{
    public string? Get(string field) => Fields.TryGetValue(field, out var v) ? v : null;

    public bool Has(string field) => Fields.ContainsKey(field);

    public DialogState With(params (string Field, string? Value)[] changes)
    {
        var fields = new Dictionary<string, string>(Fields, StringComparer.Ordinal);
        foreach (var (field, value) in changes)
        {
            if (value is null) fields.Remove(field);
            else fields[field] = value;
        }
        return this with { Fields = fields };
    }
}

/// <summary>Field and step names (persisted: do not rename).</summary>
public static class IntakeSteps
{
    public const string LegalAidFlow = "legal-aid";
    public const string MediationFlow = "mediation";
    public const string StatusFlow = "status";

    public const string Matter = "matter";
    public const string Migrant = "migrant";
    public const string Exemption = "exemption";
    public const string Dispute = "dispute";
    public const string Party = "party";
    public const string Location = "area";
    public const string OfficeId = "office-id";
    public const string OfficeName = "office-name";
    public const string Name = "name";
    public const string Mobile = "mobile";
    public const string Description = "description";
    public const string Consent = "consent";
    public const string Confirm = "confirm";
    public const string Edit = "edit";
    public const string Reference = "reference";
    public const string PhoneTail = "phone-tail";

    /// <summary>The questions of each flow, in order; a step whose field is already filled is skipped.</summary>
    public static IReadOnlyList<string> Order(string flow) => flow switch
    {
        LegalAidFlow => [Matter, Migrant, Exemption, Location, Name, Mobile, Description, Consent, Confirm],
        MediationFlow => [Dispute, Party, Location, Name, Mobile, Description, Consent, Confirm],
        _ => [Reference, PhoneTail],
    };
}
