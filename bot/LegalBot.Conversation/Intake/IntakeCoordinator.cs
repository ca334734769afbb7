using LegalBot.Cases;
using LegalBot.Cases.Storage;
using LegalBot.Conversation.Routing;
using LegalBot.Conversation.State;
using LegalBot.Knowledge.Offices;
using LegalBot.Knowledge.Site;

namespace LegalBot.Conversation.Intake;

public sealed record IntakeOptions
{
    /// <summary>Days a finished case keeps its personal data (stated in the consent text; enforced by purge).</summary>
    public int RetentionDays { get; init; } = 365;

    /// <summary>Failed progress queries a day on one reference, from all conversations together, before it is locked for the day.</summary>
    public int StatusFailuresPerReferencePerDay { get; init; } = 5;

    /// <summary>Failed progress queries a day by one channel user, over all references.</summary>
    public int StatusFailuresPerClientPerDay { get; init; } = 10;
}

/// <summary>What the coordinator did with a message.</summary>
/// <param name="Replies">Empty when the engine should answer the message as a question.</param>
/// <param name="OfferResume">A dialog is paused: after answering, offer to resume it.</param>
public sealed record IntakeTurn(ConversationState State, IReadOnlyList<OutboundReply> Replies, bool OfferResume)
{
    public bool Handled => Replies.Count > 0;
}

/// <summary>
/// Runs the intake and progress-query dialogs inside a conversation: starts them on an application intent,
/// feeds answers to <see cref="IntakeDialog"/>, files confirmed cases (idempotently), checks progress queries
/// against the case store, and turns prompts into replies with office cards and cited legal basis.
/// </summary>
/// <param name="site">The county's settings (the promised response time); null for the defaults.</param>
public sealed class IntakeCoordinator(Func<OfficeDirectory> offices, ICaseStore cases, IntakeOptions options, TimeProvider time, Func<SiteSettings>? site = null)
{
    /// <summary>Finds the article or guide section a prompt relies on; null when the knowledge base has none.</summary>
    public delegate Task<Citation?> BasisLookup(LegalBasis basis, CancellationToken cancellationToken);

    public async Task<IntakeTurn> HandleAsync(InboundMessage message, ConversationState state, string text, RouteDecision? decision,
        BasisLookup basis, CancellationToken cancellationToken)
    {
        var directory = offices();
        DialogOutcome? outcome = null;
        // (Emergencies never reach here: the safety handler answers them and pauses the dialog.)
        if (state.Dialog is { } dialog)
        {
            outcome = IntakeDialog.Handle(dialog, text, directory, options.RetentionDays);
        }
        else
        {
            var compact = IntakeInput.Compact(text);
            if (IntakeTexts.StatusPhrases.Any(p => compact.Contains(p, StringComparison.Ordinal)) || ReferenceNumbers.Find(text) is not null)
                outcome = IntakeDialog.StartStatus(text, directory, NewKey());
            else if (state.LastCaseReference is { } filed && IntakeInput.IsOneOf(text, IntakeTexts.ConfirmPhrases))
                return Reply(state, Simple(ReplyKind.CaseFiled, Routes.LegalAid, IntakeTexts.AlreadySubmitted(filed), null));
            else if (WantsToApply(compact, decision) is { } flow)
                outcome = IntakeDialog.Start(flow, text, directory, NewKey(), options.RetentionDays, state.LastQuestion);
        }
        if (outcome is null) return new IntakeTurn(state, [], false);

        switch (outcome)
        {
            case DialogOutcome.NotAnAnswer paused:
                return new IntakeTurn(state with { Dialog = paused.State }, [], OfferResume: true);
            case DialogOutcome.Question q:
                return Reply(state with { Dialog = q.State }, await PromptReplyAsync(q.State, q.Prompt, basis, cancellationToken).ConfigureAwait(false));
            case DialogOutcome.Ended ended:
                return Reply(state with { Dialog = null }, Simple(ReplyKind.Intake, RouteOf(state.Dialog?.Flow), ended.Message, Card(ended.Office)));
            case DialogOutcome.Submit or DialogOutcome.CheckStatus:
                try
                {
                    return outcome is DialogOutcome.Submit submit
                        ? await SubmitAsync(message, state, submit.State, directory, cancellationToken).ConfigureAwait(false)
                        : await CheckStatusAsync(message, state, (DialogOutcome.CheckStatus)outcome, directory, cancellationToken).ConfigureAwait(false);
                }
                catch (CaseStoreUnavailableException)
                {
                    // Nothing is lost: the dialog stays where it was, and the same 确认提交 files it once the database answers.
                    return Reply(state, Simple(ReplyKind.Intake, RouteOf(state.Dialog?.Flow), IntakeTexts.CasesUnavailable, null));
                }
            default:
                throw new InvalidOperationException("unknown dialog outcome " + outcome.GetType().Name);
        }
    }

    /// <summary>The reply added after answering a question asked in the middle of a dialog.</summary>
    public static OutboundReply ResumeOffer(string? flow) =>
        new(ReplyKind.Intake, RouteOf(flow), IntakeTexts.ResumeOffer, null, [], [],
            [new SuggestedAction(IntakeTexts.Resume, IntakeTexts.Resume), new SuggestedAction(IntakeTexts.CancelApplication, IntakeTexts.CancelApplication)], [], 1.0, null);

    /// <summary>The office card for a consultation answer on a service route, for the place named in the question if any.</summary>
    public OfficeCard? OfficeFor(string route, string text)
    {
        var service = route switch
        {
            Routes.LegalAid => OfficeServices.LegalAid,
            Routes.Notary => OfficeServices.Notary,
            Routes.Reconsideration => OfficeServices.Reconsideration,
            Routes.Petition => OfficeServices.Petition,
            Routes.Mediation => OfficeServices.Mediation,
            _ => null,
        };
        return service is null ? null : OfficeForService(service, text);
    }

    /// <summary>The office for a service (legal-aid, labour-arbitration …) and the place the text names, if one is known.</summary>
    public OfficeCard? OfficeForService(string service, string text)
    {
        if (!OfficeServices.All.Contains(service)) return null;
        var directory = offices();
        var where = directory.Resolve(text, OfficeScope.County);
        var area = where.Outcome == AreaLookupOutcome.Found ? where.Area : null;
        // Mediation is local: without a place there is no one committee to name.
        if (service == OfficeServices.Mediation && area?.Town is null) return null;
        return Card(directory.FindOffice(service, area));
    }

    private static string? WantsToApply(string compact, RouteDecision? decision)
    {
        if (decision?.Route is not (Routes.LegalAid or Routes.Mediation)) return null;
        if (!IntakeTexts.ApplyPhrases.Any(p => compact.Contains(p, StringComparison.Ordinal))) return null;
        if (IntakeTexts.HowToPhrases.Any(p => compact.Contains(p, StringComparison.Ordinal))) return null;
        return decision.Route == Routes.LegalAid ? IntakeSteps.LegalAidFlow : IntakeSteps.MediationFlow;
    }

    private async Task<IntakeTurn> SubmitAsync(InboundMessage message, ConversationState state, DialogState dialog, OfficeDirectory directory, CancellationToken cancellationToken)
    {
        var legalAid = dialog.Flow == IntakeSteps.LegalAidFlow;
        var office = directory.Get(dialog.Get(IntakeSteps.OfficeId)!);
        var newCase = new NewCase(dialog.IdempotencyKey, legalAid ? CaseKind.LegalAid : CaseKind.Mediation,
            dialog.Get(IntakeSteps.OfficeId)!, dialog.Get(IntakeSteps.OfficeName)!, dialog.Get(IntakeSteps.Location)!,
            new Applicant(dialog.Get(IntakeSteps.Name)!, dialog.Get(IntakeSteps.Mobile)!, dialog.Get(IntakeSteps.Description)!),
            IntakeDialog.Details(dialog), time.GetUtcNow(), dialog.Get(IntakeSteps.Consent)!, message.ConversationId, message.Channel, office?.Webhook);
        var filed = await cases.CreateAsync(newCase, cancellationToken).ConfigureAwait(false);
        var reference = filed.Case.Reference;
        var reply = new OutboundReply(ReplyKind.CaseFiled, RouteOf(dialog.Flow),
            IntakeTexts.Submitted(legalAid ? IntakeTexts.LegalAidName : IntakeTexts.MediationName, reference), null, [],
            [IntakeTexts.SubmittedNext((site?.Invoke() ?? SiteSettings.Default).ResponseTime)], [], [], 1.0, null, Card(office));
        return Reply(state with { Dialog = null, LastCaseReference = reference }, reply);
    }

    /// <summary>
    /// Shows a case's status to whoever knows its reference and the last 4 digits of the applicant's mobile. An
    /// unknown reference and wrong digits get the same reply (no telling which references exist), and failures
    /// are counted in the case store per reference across conversations and per channel user, so starting a new
    /// query or a new conversation does not reset the lock.
    /// </summary>
    private async Task<IntakeTurn> CheckStatusAsync(InboundMessage message, ConversationState state, DialogOutcome.CheckStatus check, OfficeDirectory directory,
        CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var failures = await cases.CountStatusCheckFailuresAsync(check.Reference, message.UserId, now.AddDays(-1), cancellationToken).ConfigureAwait(false);
        if (failures.ForReference >= options.StatusFailuresPerReferencePerDay || failures.ForClient >= options.StatusFailuresPerClientPerDay)
            return Reply(state with { Dialog = null }, Simple(ReplyKind.Intake, Routes.Consult, IntakeTexts.StatusLocked, null));
        var found = await cases.GetAsync(check.Reference, cancellationToken).ConfigureAwait(false);
        if (found?.Applicant is { } a && a.Mobile.EndsWith(check.PhoneTail, StringComparison.Ordinal))
        {
            var status = IntakeTexts.StatusNames[found.Status.ToWire()];
            var updated = found.UpdatedAt.ToOffset(TimeSpan.FromHours(8)).ToString("yyyy-MM-dd HH:mm", System.Globalization.CultureInfo.InvariantCulture);
            return Reply(state with { Dialog = null }, new OutboundReply(ReplyKind.CaseStatus, RouteOf(found.Kind == CaseKind.LegalAid ? IntakeSteps.LegalAidFlow : IntakeSteps.MediationFlow),
                IntakeTexts.StatusReply(found.Reference, status, updated), null, [], [], [], [], 1.0, null, Card(directory.Get(found.OfficeId))));
        }
        await cases.RecordStatusCheckFailureAsync(check.Reference, message.UserId, cancellationToken).ConfigureAwait(false);
        var inDialog = check.State.Failures + 1;
        if (inDialog >= 3 || failures.ForReference + 1 >= options.StatusFailuresPerReferencePerDay || failures.ForClient + 1 >= options.StatusFailuresPerClientPerDay)
            return Reply(state with { Dialog = null }, Simple(ReplyKind.Intake, Routes.Consult, IntakeTexts.StatusLocked, null));
        var again = check.State with { Failures = inDialog };
        return Reply(state with { Dialog = again }, Simple(ReplyKind.Intake, Routes.Consult, IntakeTexts.StatusNoMatch, null));
    }

    private static async Task<OutboundReply> PromptReplyAsync(DialogState dialog, DialogPrompt prompt, BasisLookup basis, CancellationToken cancellationToken)
    {
        var citations = new List<Citation>();
        if (prompt.Basis is { } rule && await basis(rule, cancellationToken).ConfigureAwait(false) is { } cited) citations.Add(cited);
        var actions = prompt.Options.Select(o => new SuggestedAction(o, o)).ToList();
        if (dialog.Flow != IntakeSteps.StatusFlow && dialog.Step != IntakeSteps.Confirm)
            actions.Add(new SuggestedAction(IntakeTexts.CancelApplication, IntakeTexts.CancelApplication));
        return new OutboundReply(ReplyKind.Intake, RouteOf(dialog.Flow), prompt.Lead, null, citations, prompt.Notes, actions, [], 1.0, null, Card(prompt.Office));
    }

    private static IntakeTurn Reply(ConversationState state, OutboundReply reply) => new(state, [reply], false);

    private static OutboundReply Simple(ReplyKind kind, string route, string lead, OfficeCard? office) =>
        new(kind, route, lead, null, [], [], [], [], 1.0, null, office);

    private static string RouteOf(string? flow) => flow switch
    {
        IntakeSteps.LegalAidFlow => Routes.LegalAid,
        IntakeSteps.MediationFlow => Routes.Mediation,
        _ => Routes.Consult,
    };

    public static OfficeCard? Card(Office? office) =>
        office is null ? null : new OfficeCard(office.Name, office.Address, office.Phone, office.Hours, office.Demo);

    private static string NewKey() => Guid.NewGuid().ToString("N");
}
