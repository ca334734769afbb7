using LegalBot.Cases.Audit;
using LegalBot.Cases.Storage;
using LegalBot.Service.Endpoints;
using Microsoft.Extensions.Options;

namespace LegalBot.Service.Hosting;

/// <summary><c>Audit__*</c>: how long the staff audit log is kept.</summary>
public sealed class AuditOptions
{
    public const string Section = "Audit";

    /// <summary>Days an entry is kept before the daily purge removes it; at least a year.</summary>
    public int RetentionDays { get; set; } = 365;

    public bool IsValid => RetentionDays is >= IAuditStore.MinimumRetentionDays and <= 36_500;

    public const string InvalidRetention = "Audit:RetentionDays must be between 365 and 36500 (the audit log is kept at least a year)";
}

/// <summary>
/// Opens the audit log where cases live: <c>{Data__Path}/audit.db</c>, or the PostgreSQL case database with
/// <c>Cases__Database=postgresql</c> (tables made on first use, so a database still starting does not stop the service).
/// </summary>
public sealed class AuditStorage(IOptions<DataOptions> data, IOptions<CasesOptions> cases, IOptions<AuditOptions> audit, TimeProvider time) : IAsyncDisposable
{
    private SqlAuditStore? _store;

    public IAuditStore Store => _store ?? throw new InvalidOperationException("the audit log is not open yet (AuditStorage.OpenAsync runs before the service starts)");

    public async Task OpenAsync(CancellationToken cancellationToken)
    {
        var days = audit.Value.RetentionDays;
        _store = cases.Value.Database == CaseStorageSettings.Postgres
            ? SqlAuditStore.OpenPostgres(cases.Value.ConnectionString!, time, days)
            : await SqlAuditStore.OpenSqliteAsync(Path.Combine(data.Value.Path, "audit.db"), time, days, cancellationToken).ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        if (_store is not null) await _store.DisposeAsync().ConfigureAwait(false);
    }
}

/// <summary>Purges audit entries past the retention at start-up and daily.</summary>
public sealed partial class AuditRetentionService(IAuditStore audit, TimeProvider time, ILogger<AuditRetentionService> log) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                if (await audit.PurgeExpiredAsync(stoppingToken).ConfigureAwait(false) is var purged and > 0) LogPurged(purged);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested) { return; }
            catch (Exception ex) when (ex is System.Data.Common.DbException or TimeoutException or System.Net.Sockets.SocketException)
            {
                LogFailed(ex.Message);
            }
            try { await Task.Delay(TimeSpan.FromDays(1), time, stoppingToken).ConfigureAwait(false); }
            catch (OperationCanceledException) { return; }
        }
    }

    [LoggerMessage(LogLevel.Information, "audit retention: removed {Count} entries past the retention")]
    private partial void LogPurged(int count);

    [LoggerMessage(LogLevel.Warning, "audit retention purge failed: {Message}")]
    private partial void LogFailed(string message);
}

public static class AuditRegistration
{
    /// <summary>The audit log, its options (validated at start), <see cref="IStaffAudit"/> for endpoints and the retention purge.</summary>
    public static IServiceCollection AddStaffAudit(this IServiceCollection services)
    {
        services.AddOptions<AuditOptions>().BindConfiguration(AuditOptions.Section).Validate(o => o.IsValid, AuditOptions.InvalidRetention).ValidateOnStart();
        services.AddSingleton<AuditStorage>();
        services.AddSingleton(sp => sp.GetRequiredService<AuditStorage>().Store);
        services.AddSingleton<IStaffAudit, StaffAudit>();
        services.AddHostedService<AuditRetentionService>();
        return services;
    }
}
