using LegalBot.Channels.BotFramework;

namespace LegalBot.Service.Hosting;

/// <summary>
/// Retries Bot Framework replies the channel did not take (<see cref="ReplyOutbox"/>): each is leased, sent, and removed
/// on success; a transient failure waits twice as long as the last, up to 5 minutes; a reply refused for good, or still
/// undelivered after 24 hours, is dropped with an error in the log.
/// </summary>
public sealed partial class ReplyDispatcher(DataStores stores, ConnectorClient connector, TimeProvider time, ILogger<ReplyDispatcher> log) : BackgroundService
{
    private static readonly TimeSpan Lease = TimeSpan.FromMinutes(2);
    private static readonly TimeSpan Poll = TimeSpan.FromSeconds(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await DispatchDueAsync(stores.Replies, stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex) when (ex is System.Data.Common.DbException or InvalidOperationException or IOException)
            {
                LogStoreError(ex.Message);
            }
            try { await Task.Delay(Poll, time, stoppingToken).ConfigureAwait(false); }
            catch (OperationCanceledException) { return; }
        }
    }

    private async Task DispatchDueAsync(ReplyOutbox outbox, CancellationToken stoppingToken)
    {
        foreach (var pending in await outbox.LeaseDueAsync(time.GetUtcNow(), Lease, 20, stoppingToken).ConfigureAwait(false))
        {
            try
            {
                await connector.ReplyAsync(pending.Reply, stoppingToken).ConfigureAwait(false);
                await outbox.RemoveAsync(pending.Id, CancellationToken.None).ConfigureAwait(false);
                LogDelivered(pending.Attempts + 1);
            }
            catch (Exception ex) when (ReplyDelivery.IsTransient(ex) && !stoppingToken.IsCancellationRequested
                                       && time.GetUtcNow() - pending.Created < ReplyDelivery.GiveUpAfter)
            {
                var delay = ReplyDelivery.Backoff(pending.Attempts + 1);
                await outbox.RetryLaterAsync(pending.Id, ex.Message, time.GetUtcNow() + delay, CancellationToken.None).ConfigureAwait(false);
                LogRetrying(pending.Attempts + 1, ex.Message, delay.TotalSeconds);
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or TimeoutException or InvalidOperationException
                                       && !stoppingToken.IsCancellationRequested)
            {
                await outbox.RemoveAsync(pending.Id, CancellationToken.None).ConfigureAwait(false);
                LogDropped(pending.Attempts + 1, ex.Message);
            }
        }
    }

    [LoggerMessage(LogLevel.Information, "delivered a queued reply to its channel (attempt {Attempt})")]
    private partial void LogDelivered(int attempt);

    [LoggerMessage(LogLevel.Warning, "channel did not take a queued reply (attempt {Attempt}): {Error}; next try in {Seconds} s")]
    private partial void LogRetrying(int attempt, string error, double seconds);

    [LoggerMessage(LogLevel.Error, "dropped a reply the channel refused or did not take within 24 h (attempt {Attempt}): {Error}")]
    private partial void LogDropped(int attempt, string error);

    [LoggerMessage(LogLevel.Error, "reply outbox unavailable: {Message}")]
    private partial void LogStoreError(string message);
}
