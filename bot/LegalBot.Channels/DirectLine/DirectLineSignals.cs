using System.Collections.Concurrent;

namespace LegalBot.Channels.DirectLine;

/// <summary>
/// Wakes a conversation's open streams when something is appended in this process. Streams also re-read on a short
/// timer, so an activity appended by another instance (a shared store) arrives too, a little later.
/// </summary>
public sealed class DirectLineSignals
{
    private readonly ConcurrentDictionary<string, TaskCompletionSource> _next = new(StringComparer.Ordinal);

    /// <summary>Completes at the next append to the conversation. Take it before reading, so nothing appended in between is missed.</summary>
    public Task Next(string conversationId) =>
        _next.GetOrAdd(conversationId, _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).Task;

    public void Pulse(string conversationId)
    {
        if (_next.TryRemove(conversationId, out var waiting)) waiting.TrySetResult();
    }

    /// <summary>Forgets a conversation nobody waits on any more (its stream closed).</summary>
    public void Forget(string conversationId)
    {
        if (_next.TryGetValue(conversationId, out var waiting) && !waiting.Task.IsCompleted) _next.TryRemove(KeyValuePair.Create(conversationId, waiting));
    }
}
