using LegalBot.Conversation.Pipeline;
using LegalBot.Knowledge.Documents;
using LegalBot.Knowledge.Offices;

namespace LegalBot.Conversation.Publicity;

/// <summary>
/// After the turn: an answer that came from a matter is counted for 精准普法 (which problems each town brings, and
/// whether a lesson covers them). Only the matter, the channel and the town are kept: never the question or the person.
/// The town is the one given for a leaderboard, or a town the message names.
/// </summary>
public sealed class MatterDemandRecorder(PublicityOptions options)
{
    /// <param name="withTurn">The conversation store writes it with the turn's batch (same database); else the 普法 store writes it now.</param>
    public Task ApplyAsync(TurnContext turn, bool withTurn, CancellationToken cancellationToken)
    {
        if (options.Store is null || turn.AnsweredFrom is not { Kind: DocumentKind.Matter } matter) return Task.CompletedTask;
        var town = turn.State.Publicity?.Town
            ?? (turn.Knowledge.Offices.Resolve(turn.Text) is { Outcome: AreaLookupOutcome.Found, Area.Town: { } named } ? named : null);
        var asked = new MatterAsked(matter.Id, turn.Message.Channel, town, turn.Now);
        if (!withTurn) return options.Store.RecordMatterAskedAsync(asked, cancellationToken);
        turn.Writes.Add(asked);
        return Task.CompletedTask;
    }
}
