using LegalBot.Cases.Statistics;
using LegalBot.Cases.Storage;

namespace LegalBot.Cases.Ratings;

/// <summary>
/// The rating store while the case database may still be connecting (see <see cref="DeferredCaseStore"/>). The
/// conversation asks <see cref="PendingAsync"/> on every turn: until the database is there it finds no request, so
/// citizens are answered as usual; everything else fails with <see cref="CaseStoreUnavailableException"/>.
/// </summary>
public sealed class DeferredRatingStore : IRatingStore
{
    private volatile IRatingStore? _inner;

    public void Open(IRatingStore store) => _inner = store;

    private IRatingStore Inner => _inner ?? throw new CaseStoreUnavailableException("the case database is not reachable yet");

    public Task<CaseRating?> PendingAsync(string conversationId, DateTimeOffset since, CancellationToken cancellationToken) =>
        _inner is { } store ? store.PendingAsync(conversationId, since, cancellationToken) : Task.FromResult<CaseRating?>(null);

    public SqlQuery<CaseRating>? PendingQuery(string conversationId, DateTimeOffset since, string connectionString) =>
        _inner?.PendingQuery(conversationId, since, connectionString);

    public Task<bool> RequestAsync(CaseRecord closed, DateTimeOffset at, CancellationToken cancellationToken) => Inner.RequestAsync(closed, at, cancellationToken);
    public Task<CaseRating?> GetAsync(string reference, CancellationToken cancellationToken) => Inner.GetAsync(reference, cancellationToken);
    public Task<IReadOnlyList<CaseRating>> UnshownAsync(string channel, DateTimeOffset since, int max, CancellationToken cancellationToken) =>
        // Nothing to push while the case database is still out of reach (the push runs on a timer).
        _inner is { } store ? store.UnshownAsync(channel, since, max, cancellationToken) : Task.FromResult<IReadOnlyList<CaseRating>>([]);
    public Task MarkShownAsync(string reference, DateTimeOffset at, CancellationToken cancellationToken) => Inner.MarkShownAsync(reference, at, cancellationToken);
    public Task<bool> ClaimPushAsync(string reference, DateTimeOffset at, CancellationToken cancellationToken) => Inner.ClaimPushAsync(reference, at, cancellationToken);
    public Task<bool> RateAsync(string reference, RatingLevel level, DateTimeOffset at, CancellationToken cancellationToken) =>
        Inner.RateAsync(reference, level, at, cancellationToken);
    public Task<bool> CommentAsync(string reference, string? comment, CancellationToken cancellationToken) => Inner.CommentAsync(reference, comment, cancellationToken);
    public Task<IReadOnlyList<CaseRating>> ListRatedAsync(RatingQuery query, CancellationToken cancellationToken) => Inner.ListRatedAsync(query, cancellationToken);
    public Task<CaseRating> FollowUpAsync(string reference, FollowUpStatus status, string? note, string actor, DateTimeOffset at, CancellationToken cancellationToken) =>
        Inner.FollowUpAsync(reference, status, note, actor, at, cancellationToken);
    public Task<int> PurgeAsync(CancellationToken cancellationToken) => Inner.PurgeAsync(cancellationToken);
}
