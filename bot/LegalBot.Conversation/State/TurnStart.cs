using LegalBot.Cases.Ratings;

namespace LegalBot.Conversation.State;

/// <summary>The 好差评 look-up a turn makes at its start: the conversation's open request since <paramref name="Since"/>.</summary>
public sealed record RatingLookup(IRatingStore Store, DateTimeOffset Since);

/// <summary>
/// What a turn reads before its handlers run: the conversation's state (null for a new conversation) and, with 好差评
/// on, its open rating request. Read together so that the shared PostgreSQL store can send both in one round trip.
/// </summary>
public sealed record TurnStart(ConversationState? State, CaseRating? PendingRating)
{
    /// <summary>The state, then the rating look-up: what a store does that cannot send them together.</summary>
    public static async Task<TurnStart> ReadOneByOneAsync(IConversationStore store, string conversationId, RatingLookup? ratings, CancellationToken cancellationToken)
    {
        var state = await store.GetStateAsync(conversationId, cancellationToken).ConfigureAwait(false);
        var pending = ratings is null ? null : await ratings.Store.PendingAsync(conversationId, ratings.Since, cancellationToken).ConfigureAwait(false);
        return new TurnStart(state, pending);
    }
}
