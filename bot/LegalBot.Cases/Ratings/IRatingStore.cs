using LegalBot.Cases.Statistics;
using LegalBot.Cases.Storage;

namespace LegalBot.Cases.Ratings;

/// <summary>好差评 of closed cases, in the case database. Comments and follow-up notes are encrypted like case fields.</summary>
public interface IRatingStore
{
    /// <summary>Asks for a rating of a just-closed case. Idempotent: a case is asked once.</summary>
    /// <returns>False when the case was asked before.</returns>
    Task<bool> RequestAsync(CaseRecord closed, DateTimeOffset at, CancellationToken cancellationToken);

    Task<CaseRating?> GetAsync(string reference, CancellationToken cancellationToken);

    /// <summary>
    /// The conversation's open request: not rated and requested since <paramref name="since"/>, or rated and
    /// waiting for its comment. Oldest first, so two closed cases are rated one after the other.
    /// </summary>
    Task<CaseRating?> PendingAsync(string conversationId, DateTimeOffset since, CancellationToken cancellationToken);

    /// <summary>
    /// <see cref="PendingAsync"/> as a query the shared conversation store sends with the turn's state read (one round trip
    /// instead of two), when this store is on the PostgreSQL database <paramref name="connectionString"/> names; null
    /// otherwise (SQLite, another database, not open yet), and the caller asks <see cref="PendingAsync"/>.
    /// </summary>
    SqlQuery<CaseRating>? PendingQuery(string conversationId, DateTimeOffset since, string connectionString) => null;

    /// <summary>Unrated requests of WeChat/WeCom conversations never shown yet, requested since <paramref name="since"/>, for the push.</summary>
    Task<IReadOnlyList<CaseRating>> UnshownAsync(string channel, DateTimeOffset since, int max, CancellationToken cancellationToken);

    Task MarkShownAsync(string reference, DateTimeOffset at, CancellationToken cancellationToken);

    /// <summary>Marks a request never shown as shown, for the push: of several instances only the one that gets true sends it.</summary>
    Task<bool> ClaimPushAsync(string reference, DateTimeOffset at, CancellationToken cancellationToken);

    /// <summary>Records the level once; a second answer changes nothing.</summary>
    /// <returns>True when this call recorded it.</returns>
    Task<bool> RateAsync(string reference, RatingLevel level, DateTimeOffset at, CancellationToken cancellationToken);

    /// <summary>Records the optional comment (null: skipped) of a rating waiting for one; once.</summary>
    Task<bool> CommentAsync(string reference, string? comment, CancellationToken cancellationToken);

    /// <summary>Rated cases, newest rating first.</summary>
    Task<IReadOnlyList<CaseRating>> ListRatedAsync(RatingQuery query, CancellationToken cancellationToken);

    /// <summary>Saves the office's follow-up of a dissatisfied rating.</summary>
    /// <exception cref="RatingUpdateException">No such rating, or it is not 不满意 / 非常不满意.</exception>
    Task<CaseRating> FollowUpAsync(string reference, FollowUpStatus status, string? note, string actor, DateTimeOffset at, CancellationToken cancellationToken);

    /// <summary>Erases the comment, the follow-up note and the conversation of ratings whose case was purged; returns how many.</summary>
    Task<int> PurgeAsync(CancellationToken cancellationToken);
}
