using LegalBot.Cases.Storage;
using LegalBot.Conversation.State;
using Microsoft.Extensions.Options;

namespace LegalBot.Service.Hosting;

/// <summary>Applies the retention settings at start-up and daily (the same purge <c>legalbot purge</c> runs by hand).</summary>
public sealed partial class RetentionService(ICaseStore cases, LegalBot.Cases.Ratings.IRatingStore ratings, IConversationStore conversations, IOptions<CasesOptions> options,
    TimeProvider time, ILogger<RetentionService> log) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var now = time.GetUtcNow();
                var purgedCases = await cases.PurgeAsync(now.AddDays(-options.Value.RetentionDays), stoppingToken).ConfigureAwait(false);
                // A purged case's rating keeps its level (statistics) but loses its comment, note and conversation.
                await ratings.PurgeAsync(stoppingToken).ConfigureAwait(false);
                var purgedRows = await conversations.PurgeAsync(now.AddDays(-options.Value.ConversationRetentionDays), stoppingToken).ConfigureAwait(false);
                if (purgedCases + purgedRows > 0) LogPurged(purgedCases, purgedRows);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested) { return; }
            catch (Exception ex) when (ex is System.Data.Common.DbException or InvalidOperationException)
            {
                LogFailed(ex.Message);
            }
            try { await Task.Delay(TimeSpan.FromDays(1), time, stoppingToken).ConfigureAwait(false); }
            catch (OperationCanceledException) { return; }
        }
    }

    [LoggerMessage(LogLevel.Information, "retention: erased personal data of {Cases} finished cases and {Rows} old conversation records")]
    private partial void LogPurged(int cases, int rows);

    [LoggerMessage(LogLevel.Warning, "retention purge failed: {Message}")]
    private partial void LogFailed(string message);
}
