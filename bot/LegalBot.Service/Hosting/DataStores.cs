using System.Data.Common;
using LegalBot.Cases.Privacy;
using LegalBot.Cases.Storage;
using LegalBot.Channels.BotFramework;
using LegalBot.Channels.DirectLine;
using LegalBot.Channels.WeChat;
using LegalBot.Conversation.State;
using Microsoft.Extensions.Options;

namespace LegalBot.Service.Hosting;

/// <summary>
/// Opens everything the service keeps under <c>Data__Path</c> (or in PostgreSQL) before it serves: the web chat
/// token key, the case store and the conversation store, refusing to start on anything that would lose or expose
/// data (<see cref="StoreIntegrityException"/>: exit 2 with the file named). PostgreSQL that is not reachable yet
/// is retried with backoff in the background; the service answers questions meanwhile and reports not ready.
/// </summary>
public sealed partial class DataStores(IOptions<DataOptions> data, IOptions<CasesOptions> cases, IOptions<ConversationOptions> conversation,
    IOptions<LimitsOptions> limits, IOptions<WebChatOptions> webChat, TimeProvider time, IHostApplicationLifetime lifetime, ILogger<DataStores> logger)
    : IAsyncDisposable
{
    private static readonly TimeSpan MaxBackoff = TimeSpan.FromSeconds(30);
    private readonly CancellationTokenSource _stopping = new();
    private CaseStorage? _storage;
    private IConversationStore? _conversations;
    // Built on first use (the WeChat processors are made before the stores open); it needs only configuration.
    private readonly Lazy<IWeChatDeliveryLedger?> _weChatLedger = new(() => data.Value.Shared
        ? new PostgresWeChatLedger(cases.Value.ConnectionString!, AesGcmFieldProtector.FromBase64(cases.Value.EncryptionKey!), time, TimeSpan.FromSeconds(6))
        : null);
    private DirectLineTokens? _tokens;
    private IDirectLineStore? _directLine;
    private ReplyOutbox? _replies;
    private LegalBot.Conversation.Publicity.SqlPublicityStore? _publicity;
    private IFieldProtector? _protector;
    private string? _caseProblem;
    private Task _retry = Task.CompletedTask;

    /// <summary>The case store; calls fail with <see cref="CaseStoreUnavailableException"/> until it is open.</summary>
    public DeferredCaseStore Cases { get; } = new();

    /// <summary>好差评, in the case database; opened with it.</summary>
    public LegalBot.Cases.Ratings.DeferredRatingStore Ratings { get; } = new();

    public IConversationStore Conversations => _conversations ?? throw NotOpened();
    public DirectLineTokens Tokens => _tokens ?? throw NotOpened();
    public IDirectLineStore DirectLine => _directLine ?? throw NotOpened();
    public ReplyOutbox Replies => _replies ?? throw NotOpened();
    public LegalBot.Conversation.Publicity.SqlPublicityStore Publicity => _publicity ?? throw NotOpened();

    /// <summary>The shared WeChat delivery ledger, or null for each processor's own.</summary>
    public IWeChatDeliveryLedger? WeChatLedger => _weChatLedger.Value;

    /// <exception cref="StoreIntegrityException">A store is unsafe to open.</exception>
    public async Task OpenAsync(CancellationToken cancellationToken)
    {
        var d = data.Value;
        var c = cases.Value;
        var keyPath = Path.Combine(d.Path, "directline.key");
        try
        {
            // Instances sharing a database share the signing key from configuration; a single instance keeps its own file.
            var key = webChat.Value.TokenKey is { Length: > 0 } configured ? Convert.FromBase64String(configured)
                : await DirectLineTokens.LoadOrCreateKeyAsync(keyPath, cancellationToken).ConfigureAwait(false);
            _tokens = new DirectLineTokens(key, time, TimeSpan.FromMinutes(conversation.Value.DirectLineTokenMinutes));
        }
        catch (InvalidDataException ex)
        {
            throw new StoreIntegrityException("web chat key", ex.Message);
        }

        var settings = new CaseStorageSettings(d.Path, c.Database, c.ConnectionString, c.EncryptionKey);
        if (c.Database == CaseStorageSettings.Postgres)
        {
            // The key comes from configuration (validated at start), so conversations can be encrypted before the database answers.
            _protector = AesGcmFieldProtector.FromBase64(c.EncryptionKey!);
            if (!await TryOpenCasesAsync(settings, cancellationToken).ConfigureAwait(false))
                _retry = RetryCasesAsync(settings, _stopping.Token);
        }
        else
        {
            await TryOpenCasesAsync(settings, cancellationToken).ConfigureAwait(false);
            _protector = _storage!.Protector;
        }

        // Shared: every instance reads and writes the same conversations, so a balancer needs no affinity.
        _conversations = d.Shared
            // The consultation record and the 普法 figures are in the same database: a turn writes them with its batch.
            ? new PostgresConversationStore(c.ConnectionString!, _protector!, limits.Value.StaffLogEntriesPerConversationPerDay, keepsTurnRecords: true)
            : await SqliteConversationStore.OpenAsync(Path.Combine(d.Path, "conversations.db"), cancellationToken, _protector,
                limits.Value.StaffLogEntriesPerConversationPerDay, new StoreMarker(d.Path)).ConfigureAwait(false);
        // Web chat streams survive a restart (and, shared, are served by every instance); they carry what citizens
        // typed, so they are encrypted like the state.
        _directLine = d.Shared
            ? new PostgresDirectLineStore(c.ConnectionString!, _protector!, limits.Value.DirectLine)
            : await SqliteDirectLineStore.OpenAsync(Path.Combine(d.Path, "directline.db"), _protector!, limits.Value.DirectLine, cancellationToken)
                .ConfigureAwait(false);
        // 普法 figures and weekly-lesson consent: shared, so one instance's push claim holds for all.
        _publicity = d.Shared
            ? LegalBot.Conversation.Publicity.SqlPublicityStore.OpenPostgres(c.ConnectionString!)
            : await LegalBot.Conversation.Publicity.SqlPublicityStore.OpenSqliteAsync(Path.Combine(d.Path, "publicity.db"), cancellationToken).ConfigureAwait(false);
        _replies = await ReplyOutbox.OpenAsync(Path.Combine(d.Path, "replies.db"), _protector!, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>What keeps the service from being ready, or nothing.</summary>
    public async Task<IReadOnlyList<string>> ReadinessProblemsAsync(CancellationToken cancellationToken)
    {
        var problems = new List<string>();
        if (!Cases.IsOpen) problems.Add("case store: " + (_caseProblem ?? "opening"));
        else
        {
            try { await Cases.ListAsync(new LegalBot.Cases.CaseQuery(Limit: 1), cancellationToken).ConfigureAwait(false); }
            catch (DbException ex) { problems.Add("case store: " + ex.Message); }
        }
        try { await Conversations.GetStateAsync("readiness-probe", cancellationToken).ConfigureAwait(false); }
        catch (Exception ex) when (ex is DbException or InvalidOperationException) { problems.Add("conversation store: " + ex.Message); }
        if (Tokens.Validate(Tokens.Issue("readiness-probe", "probe")) is null) problems.Add("web chat key: tokens do not verify");
        return problems;
    }

    private async Task<bool> TryOpenCasesAsync(CaseStorageSettings settings, CancellationToken cancellationToken)
    {
        try
        {
            _storage = await CaseStorage.OpenAsync(settings, time, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (settings.Database == CaseStorageSettings.Postgres && ex is DbException or TimeoutException or System.Net.Sockets.SocketException)
        {
            _caseProblem = ex.Message;
            LogCasesUnreachable(ex.Message);
            return false;
        }
        if (_storage.KeyCreated) LogKeyCreated(settings.KeyPath);
        Ratings.Open(await LegalBot.Cases.Ratings.SqlRatingStore.OpenAsync(_storage.Database, _storage.Protector, cancellationToken).ConfigureAwait(false));
        Cases.Open(_storage.Store);
        _caseProblem = null;
        return true;
    }

    private async Task RetryCasesAsync(CaseStorageSettings settings, CancellationToken stopping)
    {
        var delay = TimeSpan.FromSeconds(1);
        while (!stopping.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(delay, time, stopping).ConfigureAwait(false);
                if (await TryOpenCasesAsync(settings, stopping).ConfigureAwait(false))
                {
                    LogCasesOpened();
                    return;
                }
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested)
            {
                return;
            }
            catch (StoreIntegrityException ex)
            {
                // Reachable now, but unsafe: same as at start-up, stop with the reason.
                LogFatal(ex.Component, ex.Message);
                await Console.Error.WriteLineAsync($"legalbot: {ex.Component}: {ex.Message}").ConfigureAwait(false);
                Environment.ExitCode = 2;
                lifetime.StopApplication();
                return;
            }
            delay = TimeSpan.FromTicks(Math.Min(MaxBackoff.Ticks, delay.Ticks * 2));
        }
    }

    private static InvalidOperationException NotOpened() => new("data stores are not open yet (DataStores.OpenAsync runs before the service starts)");

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        await _retry.ConfigureAwait(false);
        _stopping.Dispose();
        foreach (var store in new object?[] { _conversations, _publicity, _weChatLedger.IsValueCreated ? _weChatLedger.Value : null })
        {
            if (store is IAsyncDisposable a) await a.DisposeAsync().ConfigureAwait(false);
            else (store as IDisposable)?.Dispose();
        }
        if (_directLine is IAsyncDisposable asyncStore) await asyncStore.DisposeAsync().ConfigureAwait(false);
        else (_directLine as IDisposable)?.Dispose();
        _replies?.Dispose();
        if (_storage is not null) await _storage.DisposeAsync().ConfigureAwait(false);
    }

    [LoggerMessage(LogLevel.Warning, "created {Path}: it encrypts personal data, back it up or set Cases__EncryptionKey")]
    private partial void LogKeyCreated(string path);

    [LoggerMessage(LogLevel.Warning, "case database unreachable, retrying in the background (not ready meanwhile): {Message}")]
    private partial void LogCasesUnreachable(string message);

    [LoggerMessage(LogLevel.Information, "case database reachable: ready for cases")]
    private partial void LogCasesOpened();

    [LoggerMessage(LogLevel.Critical, "{Component}: {Message}")]
    private partial void LogFatal(string component, string message);
}
