using LegalBot.Channels.DirectLine;

namespace LegalBot.Service.Hosting;

/// <summary>Drops idle web chat conversations every minute (the service also sweeps when the cap is reached).</summary>
public sealed partial class DirectLineJanitor(DirectLineService directLine, TimeProvider time, ILogger<DirectLineJanitor> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromMinutes(1), time);
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
        {
            try
            {
                var removed = await directLine.SweepAsync(stoppingToken).ConfigureAwait(false);
                if (removed > 0) LogSwept(removed, await directLine.ConversationCountAsync(stoppingToken).ConfigureAwait(false));
            }
            catch (Exception ex) when (ex is System.Data.Common.DbException or TimeoutException or InvalidOperationException && !stoppingToken.IsCancellationRequested)
            {
                // A database that is away for a minute is retried at the next tick; the host must not stop for it.
                LogStoreError(ex.Message);
            }
        }
    }

    [LoggerMessage(LogLevel.Warning, "web chat store unavailable for the idle sweep: {Message}")]
    private partial void LogStoreError(string message);

    [LoggerMessage(LogLevel.Information, "dropped {Removed} idle web chat conversation(s); {Kept} kept")]
    private partial void LogSwept(int removed, int kept);
}
