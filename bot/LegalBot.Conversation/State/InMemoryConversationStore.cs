using System.Collections.Concurrent;

namespace LegalBot.Conversation.State;

/// <summary>A process-local store for evaluation runs and tests; nothing survives a restart.</summary>
public sealed class InMemoryConversationStore : IConversationStore
{
    private readonly ConcurrentDictionary<string, ConversationState> _states = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, AnswerRecord> _answers = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<UnansweredQuestion> _unanswered = new();
    private readonly ConcurrentQueue<FeedbackRecord> _feedback = new();

    public Task<ConversationState?> GetStateAsync(string conversationId, CancellationToken cancellationToken) =>
        Task.FromResult(_states.TryGetValue(conversationId, out var s) ? s : null);

    public Task SaveStateAsync(ConversationState state, CancellationToken cancellationToken)
    {
        _states[state.ConversationId] = state;
        return Task.CompletedTask;
    }

    public Task RecordAnswerAsync(AnswerRecord answer, CancellationToken cancellationToken)
    {
        _answers[answer.AnswerId] = answer;
        return Task.CompletedTask;
    }

    public Task<AnswerRecord?> GetAnswerAsync(string answerId, CancellationToken cancellationToken) =>
        Task.FromResult(_answers.TryGetValue(answerId, out var a) ? a : null);

    public Task LogUnansweredAsync(UnansweredQuestion question, CancellationToken cancellationToken)
    {
        _unanswered.Enqueue(question);
        return Task.CompletedTask;
    }

    public Task RecordFeedbackAsync(FeedbackRecord feedback, CancellationToken cancellationToken)
    {
        _feedback.Enqueue(feedback);
        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<UnansweredQuestion>> ListUnansweredAsync(int limit, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<UnansweredQuestion>>(_unanswered.Reverse().Take(limit).ToList());

    public Task<IReadOnlyList<FeedbackRecord>> ListFeedbackAsync(int limit, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<FeedbackRecord>>(_feedback.Reverse().Take(limit).ToList());

    public Task<int> PurgeAsync(DateTimeOffset cutoff, CancellationToken cancellationToken)
    {
        var stale = _states.Values.Where(s => s.UpdatedAt < cutoff).Select(s => s.ConversationId).ToList();
        foreach (var id in stale) _states.TryRemove(id, out _);
        return Task.FromResult(stale.Count);
    }
}
