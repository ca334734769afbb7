using LegalBot.Cases.Activity;
using LegalBot.Cases.Storage;
using LegalBot.Conversation;
using LegalBot.Conversation.Pipeline;
using LegalBot.Knowledge.Offices;
using Microsoft.Extensions.Options;

namespace LegalBot.Service.Hosting;

/// <summary>
/// Records one <see cref="Consultation"/> per consultation reply the engine gives (answer, "not sure", question
/// back), so 咨询人次 can be counted by day, channel, route and matter. It sits around the engine when the conversation
/// store keeps no turn records (SQLite: the record is its own file); a failed write is logged and never costs the
/// citizen the reply. The shared PostgreSQL store writes the record in the turn's batch instead, and the engine runs unwrapped.
/// </summary>
public sealed partial class ConsultationRecorder(IConversationHandler engine, IActivityStore activity, Func<OfficeDirectory> offices, TimeProvider time,
    ILogger<ConsultationRecorder> log) : IConversationHandler
{
    public async Task<IReadOnlyList<OutboundReply>> HandleAsync(InboundMessage message, CancellationToken cancellationToken)
    {
        var replies = await engine.HandleAsync(message, cancellationToken).ConfigureAwait(false);
        if (Of(message, replies, time.GetUtcNow(), offices()) is { } consultation)
        {
            try
            {
                await activity.RecordAsync(consultation, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is System.Data.Common.DbException or TimeoutException or System.Net.Sockets.SocketException or InvalidOperationException)
            {
                LogFailed(ex.Message);
            }
        }
        return replies;
    }

    /// <summary>See <see cref="Consultations.Of"/> (the engine counts the same way when its store keeps turn records).</summary>
    public static Consultation? Of(InboundMessage message, IReadOnlyList<OutboundReply> replies, DateTimeOffset at, OfficeDirectory offices) =>
        Consultations.Of(message, replies, at, offices);

    [LoggerMessage(LogLevel.Warning, "consultation not recorded for the statistics: {Message}")]
    private partial void LogFailed(string message);
}

/// <summary>Opens the consultation record where cases live (<c>{Data__Path}/activity.db</c>, or the PostgreSQL case database).</summary>
public sealed class ActivityStorage(IOptions<DataOptions> data, IOptions<CasesOptions> cases) : IAsyncDisposable
{
    private SqlActivityStore? _store;

    public IActivityStore Store => _store ?? throw new InvalidOperationException("the activity store is not open yet (ActivityStorage.OpenAsync runs before the service starts)");

    public async Task OpenAsync(CancellationToken cancellationToken) =>
        _store = cases.Value.Database == CaseStorageSettings.Postgres
            ? SqlActivityStore.OpenPostgres(cases.Value.ConnectionString!)
            : await SqlActivityStore.OpenSqliteAsync(Path.Combine(data.Value.Path, "activity.db"), cancellationToken).ConfigureAwait(false);

    public async ValueTask DisposeAsync()
    {
        if (_store is not null) await _store.DisposeAsync().ConfigureAwait(false);
    }
}

public static class StatsRegistration
{
    /// <summary>The consultation record and the engine wrapped to write it; channels take <see cref="IConversationHandler"/> from here.</summary>
    public static IServiceCollection AddStaffStats(this IServiceCollection services)
    {
        services.AddSingleton<ActivityStorage>();
        services.AddSingleton(sp => sp.GetRequiredService<ActivityStorage>().Store);
        services.AddSingleton<IConversationHandler>(sp =>
        {
            var engine = sp.GetRequiredService<ConversationEngine>();
            return engine.RecordsConsultations ? engine : new ConsultationRecorder(engine,
                sp.GetRequiredService<IActivityStore>(), () => sp.GetRequiredService<KnowledgeHost>().View.Offices, sp.GetRequiredService<TimeProvider>(),
                sp.GetRequiredService<ILogger<ConsultationRecorder>>());
        });
        return services;
    }
}
