using LegalBot.Knowledge.Offices;
using static LegalBot.Conversation.Intake.IntakeSteps;

namespace LegalBot.Conversation.Intake;

/// <summary>One question of a dialog: what to say, the options (buttons, or numbered replies), and the legal basis to cite.</summary>
/// <param name="Basis">When the text states a rule, the article or guide section to find and cite.</param>
/// <param name="Office">An office card to show with the question.</param>
public sealed record DialogPrompt(string Lead, IReadOnlyList<string> Notes, IReadOnlyList<string> Options, LegalBasis? Basis = null, Office? Office = null);

/// <summary>A rule a prompt states: found by <paramref name="Query"/>, cited only from a passage that says <paramref name="Phrase"/>.</summary>
public sealed record LegalBasis(string Query, string Phrase);

public abstract record DialogOutcome
{
    private DialogOutcome() { }

    /// <summary>Ask the next question.</summary>
    public sealed record Question(DialogState State, DialogPrompt Prompt) : DialogOutcome;

    /// <summary>The citizen confirmed: file the case.</summary>
    public sealed record Submit(DialogState State) : DialogOutcome;

    /// <summary>The dialog ended without a case (cancelled, or consent refused: then the office to go to in person).</summary>
    public sealed record Ended(string Message, Office? Office) : DialogOutcome;

    /// <summary>The message is a question, not an answer: answer it and offer to resume.</summary>
    public sealed record NotAnAnswer(DialogState State) : DialogOutcome;

    /// <summary>Progress query: check the phone tail against the case.</summary>
    public sealed record CheckStatus(DialogState State, string Reference, string PhoneTail) : DialogOutcome;
}

/// <summary>
/// The legal-aid, mediation and progress-query dialogs as a pure state machine: (state, answer) → outcome.
/// Every answer is validated; an invalid one is asked again with the reason. No I/O: filing the case and
/// citing the legal basis are the coordinator's job.
/// </summary>
public static class IntakeDialog
{
    private const string Yes = "yes";
    private const string No = "no";
    private const int MaxDescription = 500;

    /// <summary>Starts a flow, taking what the first message already says (the matter, the dispute, the place).</summary>
    /// <param name="earlierQuestion">The question asked just before ("老板拖欠工资怎么办", then the 申请法律援助 button): what the
    /// application is about when the application message itself does not say.</param>
    public static DialogOutcome Start(string flow, string firstMessage, OfficeDirectory offices, string idempotencyKey, int retentionDays,
        string? earlierQuestion = null)
    {
        var state = new DialogState(flow, "", new Dictionary<string, string>(), false, [], idempotencyKey);
        var preface = new List<string> { flow == LegalAidFlow ? IntakeTexts.StartLegalAid : IntakeTexts.StartMediation };
        var compact = IntakeInput.Compact(firstMessage);
        var earlier = IntakeInput.Compact(earlierQuestion ?? "");
        var matter = BestByKeyword(IntakeTexts.Matters, m => m.Keywords, WithoutStatus(compact));
        if (matter.Option is null) matter = BestByKeyword(IntakeTexts.Matters, m => m.Keywords, WithoutStatus(earlier));
        if (flow == LegalAidFlow)
        {
            if (Status(compact) is { } status)
            {
                state = state.With((Exemption, status.Detail));
                preface.Add(IntakeTexts.Recorded(IntakeTexts.ExemptionLabel, status.Detail));
            }
            if (matter.Option is not null)
            {
                state = SetMatter(state, matter.Detail);
                preface.Add(IntakeTexts.Recorded(IntakeTexts.MatterLabel, matter.Detail));
            }
        }
        var dispute = BestByKeyword(IntakeTexts.Disputes, d => d.Keywords, compact);
        if (dispute.Option is null) dispute = BestByKeyword(IntakeTexts.Disputes, d => d.Keywords, earlier);
        if (flow == MediationFlow && dispute.Option is not null)
        {
            state = state.With((Dispute, dispute.Option));
            preface.Add(IntakeTexts.Recorded(IntakeTexts.DisputeLabel, dispute.Option));
        }
        var where = offices.Resolve(firstMessage);
        if (where.Outcome == AreaLookupOutcome.Found && state.Has(Dispute) == (flow == MediationFlow))
        {
            var (withArea, note) = SetArea(state, where.Area!, offices);
            if (withArea is not null) { state = withArea; preface.Add(note); }
        }
        else if (where.Outcome == AreaLookupOutcome.Ambiguous)
        {
            // "我住新村": remember the candidates, so the place question offers them.
            state = state with { Choices = where.Candidates.Select(a => a.ToString()).ToList() };
        }
        return Advance(state, offices, retentionDays, preface);
    }

    /// <summary>The citizen's reply to the current question.</summary>
    public static DialogOutcome Handle(DialogState state, string text, OfficeDirectory offices, int retentionDays)
    {
        if (IntakeInput.IsOneOf(text, IntakeTexts.CancelPhrases)) return new DialogOutcome.Ended(IntakeTexts.Cancelled, null);
        if (state.Paused)
        {
            return IntakeInput.IsOneOf(text, IntakeTexts.ResumePhrases)
                ? Ask(state with { Paused = false }, offices, retentionDays, [])
                : new DialogOutcome.NotAnAnswer(state);
        }

        var question = IntakeInput.LooksLikeQuestion(text);
        switch (state.Step)
        {
            case Matter:
            {
                var i = IntakeInput.MatchOption(text, IntakeTexts.Matters.Select(m => m.Option).ToList());
                if (i is not null) return Advance(SetMatter(state, IntakeTexts.Matters[i.Value].Detail), offices, retentionDays, []);
                // "我是低保户" answers who the applicant is, not what the matter is: record it and ask the matter again.
                var compact = IntakeInput.Compact(text);
                var preface = new List<string>();
                if (Status(compact) is { } status && !state.Has(Exemption))
                {
                    state = state.With((Exemption, status.Detail));
                    preface.Add(IntakeTexts.Recorded(IntakeTexts.ExemptionLabel, status.Detail));
                }
                var byKeyword = BestByKeyword(IntakeTexts.Matters, m => m.Keywords, WithoutStatus(compact));
                if (byKeyword.Option is not null) return Advance(SetMatter(state, byKeyword.Detail), offices, retentionDays, preface);
                if (preface.Count > 0) return Ask(state, offices, retentionDays, preface);
                return question ? Pause(state) : Retry(state, IntakeTexts.ChooseFromOptions, offices, retentionDays);
            }
            case Migrant:
            {
                var i = YesNo(text) is { } yn ? (yn ? 0 : 1) : IntakeInput.MatchOption(text, IntakeTexts.MigrantChoices.Select(c => c.Option).ToList());
                if (i is null) return question ? Pause(state) : Retry(state, IntakeTexts.ChooseFromOptions, offices, retentionDays);
                return i == 0
                    ? Advance(state.With((Migrant, Yes), (Exemption, IntakeTexts.MigrantExemption)), offices, retentionDays, [])
                    : Advance(state.With((Migrant, No)), offices, retentionDays, []);
            }
            case Exemption:
            {
                var i = IntakeInput.MatchOption(text, IntakeTexts.ExemptionChoices.Select(c => c.Option).ToList())
                    ?? (Status(IntakeInput.Compact(text)) is { } status ? (int?)Array.IndexOf(IntakeTexts.ExemptionChoices, status) : null)
                    ?? (YesNo(text) == false ? IntakeTexts.ExemptionChoices.Length - 1 : null);
                if (i is null) return question ? Pause(state) : Retry(state, IntakeTexts.ChooseFromOptions, offices, retentionDays);
                var last = i == IntakeTexts.ExemptionChoices.Length - 1;
                return Advance(state.With((Exemption, IntakeTexts.ExemptionChoices[i.Value].Detail)), offices, retentionDays,
                    last ? [IntakeTexts.HardshipStatementNote] : []);
            }
            case Dispute:
            {
                var i = IntakeInput.MatchOption(text, IntakeTexts.Disputes.Select(d => d.Option).ToList());
                if (i is null)
                {
                    var compact = IntakeInput.Compact(text);
                    var byKeyword = BestByKeyword(IntakeTexts.Disputes, d => d.Keywords, compact);
                    if (byKeyword.Option is null) return question ? Pause(state) : Retry(state, IntakeTexts.ChooseFromOptions, offices, retentionDays);
                    return Advance(state.With((Dispute, byKeyword.Option)), offices, retentionDays, []);
                }
                // A changed dispute type may need another committee: ask the place again only if the office no longer takes it.
                var changed = state.With((Dispute, IntakeTexts.Disputes[i.Value].Option));
                return Advance(RecheckOffice(changed, offices), offices, retentionDays, []);
            }
            case Party:
            {
                var i = IntakeInput.MatchOption(text, IntakeTexts.Parties);
                var value = i is { } k ? IntakeTexts.Parties[k] : text.Trim();
                if (i is null && (question || value.Length is 0 or > 20 || IntakeInput.ParseMobile(value) is not null))
                    return question ? Pause(state) : Retry(state, IntakeTexts.PartyInvalid, offices, retentionDays);
                return Advance(state.With((Party, value)), offices, retentionDays, []);
            }
            case Location:
                return HandleArea(state, text, offices, retentionDays, question);
            case Name:
            {
                var name = IntakeInput.ParseName(text);
                if (name is null) return question ? Pause(state) : Retry(state, IntakeTexts.NameInvalid, offices, retentionDays);
                // "东关村" answered to 姓名 is a place, not a person.
                if (IntakeInput.LooksLikePlace(name) || offices.Resolve(name).Outcome is AreaLookupOutcome.Found or AreaLookupOutcome.Ambiguous)
                    return Retry(state, IntakeTexts.NameIsPlace(name), offices, retentionDays);
                return Advance(state.With((Name, name)), offices, retentionDays, []);
            }
            case Mobile:
            {
                var mobile = IntakeInput.ParseMobile(text);
                if (mobile is null) return question && !text.Any(char.IsAsciiDigit) ? Pause(state) : Retry(state, IntakeTexts.MobileInvalid, offices, retentionDays);
                return Advance(state.With((Mobile, mobile)), offices, retentionDays, []);
            }
            case Description:
            {
                // Any text is a description here, questions included ("老板不给钱怎么办" is exactly the matter).
                var d = text.Trim();
                if (d.Length < 5) return Retry(state, IntakeTexts.DescriptionTooShort, offices, retentionDays);
                if (d.Length > MaxDescription) return Retry(state, IntakeTexts.DescriptionTooLong, offices, retentionDays);
                return Advance(state.With((Description, d)), offices, retentionDays, []);
            }
            case Consent:
            {
                if (IntakeInput.IsOneOf(text, IntakeTexts.DisagreePhrases))
                    return new DialogOutcome.Ended(IntakeTexts.ConsentRefused(state.Get(OfficeName) ?? ""), offices.Get(state.Get(OfficeId) ?? ""));
                if (IntakeInput.IsOneOf(text, IntakeTexts.AgreePhrases))
                    return Advance(state.With((Consent, IntakeTexts.ConsentVersion)), offices, retentionDays, []);
                return question ? Pause(state) : Retry(state, IntakeTexts.ChooseFromOptions, offices, retentionDays);
            }
            case Confirm:
            {
                if (IntakeInput.IsOneOf(text, IntakeTexts.ConfirmPhrases)) return new DialogOutcome.Submit(state);
                if (IntakeInput.IsOneOf(text, IntakeTexts.EditPhrases)) return Ask(state with { Step = Edit }, offices, retentionDays, []);
                return question ? Pause(state) : Retry(state, IntakeTexts.ChooseFromOptions, offices, retentionDays);
            }
            case Edit:
            {
                var editable = EditableFields(state.Flow);
                var i = IntakeInput.MatchOption(text, editable.Select(e => e.Label).ToList());
                if (i is null) return question ? Pause(state) : Retry(state, IntakeTexts.ChooseFromOptions, offices, retentionDays);
                var cleared = state.With(editable[i.Value].Clears.Select(f => (f, (string?)null)).ToArray());
                return Advance(cleared, offices, retentionDays, []);
            }
            case Reference:
            {
                var reference = LegalBot.Cases.ReferenceNumbers.Find(text);
                if (reference is null) return question ? Pause(state) : Retry(state, IntakeTexts.StatusAskReference, offices, retentionDays);
                return Advance(state.With((Reference, reference)), offices, retentionDays, []);
            }
            case PhoneTail:
            {
                // A corrected reference may come instead of the digits.
                if (LegalBot.Cases.ReferenceNumbers.Find(text) is { } corrected) return Advance(state.With((Reference, corrected)), offices, retentionDays, []);
                var digits = IntakeInput.Compact(text);
                if (digits.Length != 4 || !digits.All(char.IsAsciiDigit))
                    return question ? Pause(state) : Retry(state, IntakeTexts.StatusPhoneInvalid, offices, retentionDays);
                return new DialogOutcome.CheckStatus(state, state.Get(Reference)!, digits);
            }
            default:
                return Advance(state, offices, retentionDays, []);
        }
    }

    /// <summary>Starts a progress query ("查询进度 FY-…" or just "查询进度").</summary>
    public static DialogOutcome StartStatus(string text, OfficeDirectory offices, string key)
    {
        var state = new DialogState(StatusFlow, "", new Dictionary<string, string>(), false, [], key);
        if (LegalBot.Cases.ReferenceNumbers.Find(text) is { } reference) state = state.With((Reference, reference));
        return Advance(state, offices, 0, []);
    }

    /// <summary>The question for the current step, e.g. to repeat it when a paused dialog resumes.</summary>
    public static DialogOutcome Ask(DialogState state, OfficeDirectory offices, int retentionDays, IReadOnlyList<string> preface) =>
        new DialogOutcome.Question(state, Prompt(state, offices, retentionDays, preface));

    private static DialogOutcome Advance(DialogState state, OfficeDirectory offices, int retentionDays, IReadOnlyList<string> preface)
    {
        var next = Order(state.Flow).First(step => !IsDone(state, step));
        // Offered places stay until the place is settled (they may come from the first message, several questions earlier).
        return Ask(state with { Step = next, Choices = IsDone(state, Location) ? [] : state.Choices, Failures = 0 }, offices, retentionDays, preface);
    }

    private static DialogOutcome Retry(DialogState state, string why, OfficeDirectory offices, int retentionDays) =>
        Ask(state, offices, retentionDays, [why]);

    private static DialogOutcome.NotAnAnswer Pause(DialogState state) => new(state with { Paused = true });

    private static bool IsDone(DialogState s, string step) => step switch
    {
        Migrant => s.Has(Exemption) || s.Has(Migrant) || s.Get(Matter) != IntakeTexts.LabourMatter,
        Location => s.Has(Location) && s.Has(OfficeId),
        Confirm => false,
        PhoneTail => false,
        _ => s.Has(step),
    };

    private static DialogState SetMatter(DialogState state, string matter)
    {
        state = state.With((Matter, matter), (Migrant, null));
        // Victims of domestic violence are exempt by law (第三十二条): nothing to ask.
        if (matter == IntakeTexts.DomesticViolenceMatter) return state.With((Exemption, IntakeTexts.DomesticViolenceDetail));
        if (state.Get(Exemption) == IntakeTexts.DomesticViolenceDetail || state.Get(Exemption) == IntakeTexts.MigrantExemption)
            state = state.With((Exemption, null));
        return state;
    }

    private static DialogOutcome HandleArea(DialogState state, string text, OfficeDirectory offices, int retentionDays, bool question)
    {
        // An answer to an ambiguity question: pick among the places offered.
        if (state.Choices.Count > 0)
        {
            var choices = state.Choices.Select(ParseArea).ToList();
            if (IntakeInput.MatchOption(text, choices.Select(c => c.Display).ToList()) is { } pick)
                return AreaChosen(state, choices[pick], offices, retentionDays);
        }
        var lookup = offices.Resolve(text);
        switch (lookup.Outcome)
        {
            case AreaLookupOutcome.Found:
                // "青山乡的" after being offered 河东镇新村 / 青山乡新村: the offered place in that town.
                var inside = state.Choices.Select(ParseArea).Where(c => OfficeDirectory.Contains(lookup.Area!, c)).ToList();
                return AreaChosen(state, inside.Count == 1 ? inside[0] : lookup.Area!, offices, retentionDays);
            case AreaLookupOutcome.Ambiguous:
                return Ask(state with { Choices = lookup.Candidates.Select(a => a.ToString()).ToList() }, offices, retentionDays,
                    [IntakeTexts.AreaAmbiguous(text.Trim())]);
            case AreaLookupOutcome.TooCoarse:
                return Ask(state with { Choices = lookup.Candidates.Select(a => a.ToString()).ToList() }, offices, retentionDays, [IntakeTexts.AreaTooCoarse]);
            default:
                if (question) return Pause(state);
                // Outside the county: no office here can take it, but the citizen gets the way forward, not a dead end.
                if (IntakeInput.SaysOutsideCounty(text))
                    return new DialogOutcome.Ended(state.Flow == LegalAidFlow ? IntakeTexts.OutsideCountyLegalAid : IntakeTexts.OutsideCountyMediation, null);
                return Ask(state with { Choices = [] }, offices, retentionDays, [IntakeTexts.AreaUnknown(Shorten(text.Trim(), 20))]);
        }
    }

    private static DialogOutcome AreaChosen(DialogState state, Area area, OfficeDirectory offices, int retentionDays)
    {
        var (next, note) = SetArea(state, area, offices);
        return next is null
            ? Ask(state with { Choices = [] }, offices, retentionDays, [IntakeTexts.NoOffice])
            : Advance(next with { Choices = [] }, offices, retentionDays, [note]);
    }

    private static (DialogState? State, string Note) SetArea(DialogState state, Area area, OfficeDirectory offices)
    {
        var office = offices.FindOffice(ServiceOf(state.Flow), area, state.Get(Dispute));
        if (office is null) return (null, IntakeTexts.NoOffice);
        return (state.With((Location, area.ToString()), (OfficeId, office.Id), (OfficeName, office.Name)), IntakeTexts.OfficeFound(office.Name));
    }

    private static DialogState RecheckOffice(DialogState state, OfficeDirectory offices)
    {
        if (state.Get(Location) is not { } path) return state;
        var (next, _) = SetArea(state, ParseArea(path), offices);
        return next ?? state.With((Location, null), (OfficeId, null), (OfficeName, null));
    }

    public static string ServiceOf(string flow) => flow == LegalAidFlow ? OfficeServices.LegalAid : OfficeServices.Mediation;

    public static Area ParseArea(string path)
    {
        var p = path.Split('/');
        return new Area(p[0], p.Length > 1 ? p[1] : null, p.Length > 2 ? p[2] : null);
    }

    /// <summary>The entry whose longest keyword occurs in the text: 宅基地 says more than 邻居 in "邻居占了我家宅基地".</summary>
    private static T? BestByKeyword<T>(IEnumerable<T> entries, Func<T, string[]> keywords, string compact) =>
        entries.Select(e => (Entry: e, Length: keywords(e).Where(k => compact.Contains(k, StringComparison.Ordinal)).Select(k => k.Length).DefaultIfEmpty(0).Max()))
            .Where(x => x.Length > 0).OrderByDescending(x => x.Length).Select(x => x.Entry).FirstOrDefault();

    /// <summary>The exemption the applicant's own words settle ("我是低保户"), if any.</summary>
    private static (string Option, string Detail, string[] Keywords)? Status(string compact) =>
        BestByKeyword(IntakeTexts.ExemptionChoices, c => c.Keywords, compact) is { Option: not null } c ? c : null;

    /// <summary>The text without the applicant's status words, so 低保户 is not read as the matter 社会救助 (低保被取消 still is).</summary>
    private static string WithoutStatus(string compact) =>
        IntakeTexts.ExemptionChoices.SelectMany(c => c.Keywords).OrderByDescending(k => k.Length)
            .Aggregate(compact, (text, k) => text.Replace(k, "", StringComparison.Ordinal));

    private static bool? YesNo(string text) =>
        IntakeInput.IsOneOf(text, ["是", "是的", "对", "对的", "嗯", "是啊", "我是"]) ? true
        : IntakeInput.IsOneOf(text, ["不是", "否", "不", "没有", "我不是"]) ? false : null;

    private static string Shorten(string s, int max) => s.Length <= max ? s : s[..max] + "…";

    /// <summary>The non-personal answers, as the case's details (matter and exemption, or dispute and other party).</summary>
    public static IReadOnlyDictionary<string, string> Details(DialogState s)
    {
        var (first, second) = s.Flow == LegalAidFlow
            ? ((IntakeTexts.MatterLabel, Matter), (IntakeTexts.ExemptionLabel, Exemption))
            : ((IntakeTexts.DisputeLabel, Dispute), (IntakeTexts.PartyLabel, Party));
        var details = new Dictionary<string, string>();
        foreach (var (label, field) in new[] { first, second })
            if (s.Get(field) is { } v) details[label] = v;
        return details;
    }

    /// <summary>What the confirmation shows, in order: the details, then place, office and the personal fields.</summary>
    public static IReadOnlyList<(string Label, string Value)> Summary(DialogState s)
    {
        var lines = Details(s).Select(d => (d.Key, d.Value)).ToList();
        if (s.Get(Location) is { } area) lines.Add((IntakeTexts.AreaLabel, ParseArea(area).Display));
        lines.Add((IntakeTexts.OfficeLabel, s.Get(OfficeName) ?? ""));
        foreach (var (label, field) in new[] { (IntakeTexts.NameLabel, Name), (IntakeTexts.MobileLabel, Mobile), (IntakeTexts.DescriptionLabel, Description) })
            if (s.Get(field) is { } v) lines.Add((label, v));
        return lines;
    }

    private static IReadOnlyList<(string Label, string[] Clears)> EditableFields(string flow) => flow == LegalAidFlow
        ? [(IntakeTexts.MatterLabel, [Matter, Migrant, Exemption]), (IntakeTexts.ExemptionLabel, [Migrant, Exemption]), (IntakeTexts.AreaLabel, [Location, OfficeId, OfficeName]),
           (IntakeTexts.NameLabel, [Name]), (IntakeTexts.MobileLabel, [Mobile]), (IntakeTexts.DescriptionLabel, [Description])]
        : [(IntakeTexts.DisputeLabel, [Dispute]), (IntakeTexts.PartyLabel, [Party]), (IntakeTexts.AreaLabel, [Location, OfficeId, OfficeName]),
           (IntakeTexts.NameLabel, [Name]), (IntakeTexts.MobileLabel, [Mobile]), (IntakeTexts.DescriptionLabel, [Description])];

    private static DialogPrompt Prompt(DialogState s, OfficeDirectory offices, int retentionDays, IReadOnlyList<string> preface)
    {
        string Lead(string question) => string.Join("\n", [.. preface, question]);
        switch (s.Step)
        {
            case Matter:
                return new(Lead(IntakeTexts.MatterPrompt), [], IntakeTexts.Matters.Select(m => m.Option).ToList());
            case Migrant:
                return new(Lead(IntakeTexts.MigrantPrompt), [], IntakeTexts.MigrantChoices.Select(c => c.Option).ToList(), new LegalBasis("法律援助法第四十二条 进城务工人员 免予核查经济困难状况", "免予核查经济困难状况"));
            case Exemption:
                return new(Lead(IntakeTexts.ExemptionPrompt), [], IntakeTexts.ExemptionChoices.Select(c => c.Option).ToList(), new LegalBasis("法律援助法第四十二条 免予核查经济困难状况", "免予核查经济困难状况"));
            case Dispute:
                return new(Lead(IntakeTexts.DisputePrompt), [], IntakeTexts.Disputes.Select(d => d.Option).ToList());
            case Party:
                return new(Lead(IntakeTexts.PartyPrompt), [], IntakeTexts.Parties);
            case Location:
            {
                var options = s.Choices.Count > 0
                    ? s.Choices.Select(c => ParseArea(c).Display).ToList()
                    : offices.Areas.Select(a => a.County).Distinct().SelectMany(offices.TownsOf).Select(a => a.Display).Take(8).ToList();
                var basis = s.Get(Exemption) == IntakeTexts.DomesticViolenceDetail && preface.Count > 0 ? new LegalBasis("法律援助法第三十二条 家庭暴力 不受经济困难条件的限制", "不受经济困难条件的限制") : null;
                var lead = basis is null ? Lead(IntakeTexts.AreaPrompt) : Lead(IntakeTexts.DomesticViolenceExempt + "\n" + IntakeTexts.AreaPrompt);
                return new(s.Choices.Count > 0 && preface.Count > 0 ? string.Join("\n", preface) : lead, [], options, basis);
            }
            case Name:
                return new(Lead(IntakeTexts.NamePrompt), [], []);
            case Mobile:
                return new(Lead(IntakeTexts.MobilePrompt), [], []);
            case Description:
                return new(Lead(IntakeTexts.DescriptionPrompt), [], []);
            case Consent:
                return new(Lead(IntakeTexts.ConsentPrompt(s.Flow == LegalAidFlow ? IntakeTexts.LegalAidName : IntakeTexts.MediationName,
                    s.Get(OfficeName) ?? "", retentionDays)), [], [IntakeTexts.Agree, IntakeTexts.Disagree]);
            case Confirm:
                return new(Lead(IntakeTexts.ConfirmPrompt), [.. Summary(s).Select(l => $"· {l.Label}：{l.Value}"), IntakeTexts.ConfirmQuestion],
                    [IntakeTexts.Confirm, IntakeTexts.Edit, IntakeTexts.CancelApplication]);
            case Edit:
                return new(Lead(IntakeTexts.EditPrompt), [], EditableFields(s.Flow).Select(e => e.Label).ToList());
            case Reference:
                return new(Lead(IntakeTexts.StatusAskReference), [], []);
            default:
                return new(Lead(IntakeTexts.StatusAskPhone), [], []);
        }
    }
}
