using LegalBot.Conversation.Pipeline;
using LegalBot.Knowledge.Documents;
using LegalBot.Knowledge.Search;

namespace LegalBot.Conversation.Intake;

/// <summary>
/// Applications and progress queries: an open dialog takes the message first; an application intent or 查询进度
/// starts one. A question in the middle of a dialog is answered by the later handlers and the dialog is offered again.
/// </summary>
public sealed class IntakeHandler(IntakeCoordinator intake) : ITurnHandler
{
    private const int BasisDepth = 10;

    public async ValueTask<bool> HandleAsync(TurnContext turn, CancellationToken cancellationToken)
    {
        // Safety first: the emergency reply goes out and an open dialog waits (the safety handler paused it).
        if (turn.Crisis.IsEmergency) return false;
        var result = await intake.HandleAsync(turn.Message, turn.State, turn.Text, turn.TextRoute,
            (basis, ct) => LegalBasisAsync(turn, basis, ct), cancellationToken).ConfigureAwait(false);
        turn.State = result.State;
        turn.OfferResume |= result.OfferResume;
        if (!result.Handled) return false;
        turn.Replies.AddRange(result.Replies);
        return true;
    }

    /// <summary>The article or guide section that states the rule an intake prompt relies on; null when the knowledge base has none.</summary>
    private static async Task<Citation?> LegalBasisAsync(TurnContext turn, LegalBasis basis, CancellationToken cancellationToken)
    {
        var result = await turn.Knowledge.Retriever.SearchAsync(basis.Query, new RetrievalOptions(BasisDepth), cancellationToken).ConfigureAwait(false);
        // The statute or the county's guide is the basis; a matter (our own summary) only when neither states it.
        var stating = result.Hits.Where(h => h.Chunk.Text.Replace("*", "", StringComparison.Ordinal).Contains(basis.Phrase, StringComparison.Ordinal))
            .OrderBy(h => h.Document.Kind == DocumentKind.Matter).FirstOrDefault();
        return stating is null ? null : Citation.Of(stating);
    }
}
