using System.Collections.Concurrent;
using System.Globalization;
using LegalBot.Conversation;
using Microsoft.Extensions.Logging;

namespace LegalBot.Channels.WeChat;

/// <summary>How one callback endpoint (an Official Account or a WeCom app) is set up.</summary>
/// <param name="Channel">"wechat" or "wecom": the channel name in conversation ids and logs.</param>
/// <param name="Cipher">Set for safe mode (Official Account) and always for WeCom: messages must be encrypted.</param>
/// <param name="UrlVerificationEncrypted">WeCom's URL check sends an encrypted echostr; the Official Account's is plain.</param>
/// <param name="ReplyDeadline">Answer passively within this; otherwise reply "success" and send through the API.</param>
/// <param name="TimestampWindow">Requests whose timestamp is further from now are replays (or a wrong clock).</param>
/// <param name="MenuKeys">Custom-menu CLICK keys → what the citizen is taken to ask.</param>
/// <param name="Articles">Custom-menu CLICK keys answered with a news (图文) card.</param>
public sealed record WeChatCallbackSettings(
    string Channel,
    string Token,
    WeChatCipher? Cipher,
    bool UrlVerificationEncrypted,
    TimeSpan ReplyDeadline,
    TimeSpan TimestampWindow,
    IReadOnlyDictionary<string, string> MenuKeys,
    IReadOnlyDictionary<string, NewsArticle> Articles)
{
    /// <summary>How long a producing instance's claim on a message lasts unrenewed (WeChat retries 5 s apart).</summary>
    public TimeSpan DeliveryLease { get; init; } = TimeSpan.FromSeconds(6);
}

/// <summary>The query string of a callback.</summary>
public sealed record WeChatQuery(string? Signature, string? MsgSignature, string? Timestamp, string? Nonce, string? EchoStr);

/// <summary>What to send back to WeChat: status, body and content type.</summary>
public sealed record WeChatResponse(int StatusCode, string Body, string ContentType)
{
    /// <summary>"success" tells WeChat the message was received and no passive reply follows (so it does not retry).</summary>
    public static WeChatResponse Success { get; } = new(200, "success", "text/plain; charset=utf-8");
    public static WeChatResponse Xml(string xml) => new(200, xml, "application/xml; charset=utf-8");
    public static WeChatResponse Reject(int status, string reason) => new(status, reason, "text/plain; charset=utf-8");
}

/// <summary>
/// The WeChat / WeCom callback protocol, free of ASP.NET: verify signatures (constant time) and timestamps,
/// decrypt, parse safely, and answer every message exactly once within WeChat's 5-second limit.
/// <list type="bullet">
/// <item>The engine runs off the request. If its answer is ready before <see cref="WeChatCallbackSettings.ReplyDeadline"/>,
/// it is the passive reply (encrypted in safe mode); otherwise the request gets "success" at once and the answer
/// goes out through the customer-service API (<see cref="IWeChatSender"/>) when ready.</item>
/// <item>WeChat retries a message it thinks unanswered up to 3 times. Retries join the first delivery's work
/// (keyed by MsgId, or sender + time for events), and a single claim decides which path delivers, so a
/// message is never answered twice. Across instances (a round-robin balancer) the <see cref="IWeChatDeliveryLedger"/>
/// makes the same decisions: one producer, one claim; should it be unreachable, each instance decides on its own.</item>
/// <item>One citizen's messages go through the engine one at a time, in arrival order.</item>
/// </list>
/// </summary>
public sealed partial class WeChatCallbackProcessor : IAsyncDisposable
{
    private static readonly TimeSpan Remember = TimeSpan.FromMinutes(5);
    private static readonly TimeSpan FollowPoll = TimeSpan.FromMilliseconds(150);
    private readonly WeChatCallbackSettings _settings;
    private readonly IConversationHandler _handler;
    private readonly IWeChatSender? _sender;
    private readonly IMessageRateGate _rateGate;
    private readonly TimeProvider _time;
    private readonly ILogger _log;
    private readonly ConcurrentDictionary<string, Delivery> _deliveries = new(StringComparer.Ordinal);
    private readonly KeyedLock _userLocks = new();
    private readonly ConcurrentDictionary<Task, byte> _background = new();
    private readonly CancellationTokenSource _stopping = new();
    private readonly IWeChatDeliveryLedger _ledger;
    private readonly ReplayGuard _localReplays;
    private long _lastSweep;

    /// <param name="sender">Null when no API credentials are configured: answers that miss the deadline are then lost (logged).</param>
    /// <param name="ledger">Shared by the instances behind one balancer; default this process alone.</param>
    public WeChatCallbackProcessor(WeChatCallbackSettings settings, IConversationHandler handler, IWeChatSender? sender,
        IMessageRateGate rateGate, TimeProvider time, ILogger log, IWeChatDeliveryLedger? ledger = null)
    {
        _settings = settings;
        _handler = handler;
        _sender = sender;
        _rateGate = rateGate;
        _time = time;
        _log = log;
        _lastSweep = time.GetTimestamp();
        _localReplays = new ReplayGuard(settings.TimestampWindow, time);
        _ledger = ledger ?? new InMemoryWeChatLedger(time, settings.TimestampWindow);
    }

    public WeChatCallbackSettings Settings => _settings;

    /// <summary>The URL check WeChat makes when the operator saves the server address (GET).</summary>
    public WeChatResponse VerifyUrl(WeChatQuery query)
    {
        if (!FreshTimestamp(query.Timestamp)) return Rejected(403, "timestamp outside the allowed window");
        if (string.IsNullOrEmpty(query.EchoStr)) return Rejected(400, "echostr is missing");
        if (!_settings.UrlVerificationEncrypted)
        {
            return WeChatSignature.Verify(query.Signature, _settings.Token, query.Timestamp!, query.Nonce ?? "")
                ? new WeChatResponse(200, query.EchoStr, "text/plain; charset=utf-8")
                : Rejected(403, "invalid signature");
        }
        if (!WeChatSignature.Verify(query.MsgSignature, _settings.Token, query.Timestamp!, query.Nonce ?? "", query.EchoStr))
            return Rejected(403, "invalid msg_signature");
        try
        {
            return new WeChatResponse(200, _settings.Cipher!.Decrypt(query.EchoStr), "text/plain; charset=utf-8");
        }
        catch (WeChatCryptoException ex)
        {
            return Rejected(400, "echostr: " + ex.Message);
        }
    }

    /// <summary>A message or event (POST). Always returns within the deadline.</summary>
    public async Task<WeChatResponse> HandleAsync(WeChatQuery query, string body, CancellationToken cancellationToken)
    {
        var started = _time.GetTimestamp();
        if (!FreshTimestamp(query.Timestamp)) return Rejected(403, "timestamp outside the allowed window");
        var (message, error) = await OpenAsync(query, body, cancellationToken).ConfigureAwait(false);
        if (message is null) return error!;

        var key = _settings.Channel + ":" + message.DeduplicationKey;
        var candidate = new Delivery(_time.GetTimestamp());
        var delivery = _deliveries.GetOrAdd(key, candidate);
        // Only the first arrival starts the work; retries (and racing duplicates) share it.
        if (ReferenceEquals(delivery, candidate)) delivery.Start(() => AnswerOnceAsync(key, message), OnEngineFailure);
        else LogRetry(_log, _settings.Channel, message.DeduplicationKey);
        SweepOccasionally();

        var remaining = _settings.ReplyDeadline - _time.GetElapsedTime(started);
        if (remaining > TimeSpan.Zero && !delivery.Work.IsCompleted)
        {
            try
            {
                await delivery.Work.WaitAsync(remaining, _time, cancellationToken).ConfigureAwait(false);
            }
            catch (TimeoutException)
            {
                // Missed the deadline: fall through to "success" + the API.
            }
            catch (OperationCanceledException)
            {
                // WeChat hung up; the answer still goes out through the API.
            }
        }

        if (delivery.Work.IsCompleted)
        {
            var outcome = delivery.Work.Result;
            if (outcome.Silent || !await ClaimAsync(delivery, key).ConfigureAwait(false)) return WeChatResponse.Success;
            return Passive(message, outcome, query.Nonce ?? "");
        }
        if (delivery.TryStartLater()) Track(DeliverLaterAsync(delivery, key, message));
        LogDeadlineMissed(_log, _settings.Channel, _settings.ReplyDeadline.TotalSeconds);
        return WeChatResponse.Success;
    }

    /// <summary>Verifies and decrypts the body into the message; or the rejection to send.</summary>
    private async Task<(WeChatInbound? Message, WeChatResponse? Error)> OpenAsync(WeChatQuery query, string body, CancellationToken cancellationToken)
    {
        WeChatInbound envelope;
        try
        {
            envelope = WeChatXml.Parse(body);
        }
        catch (WeChatXmlException ex)
        {
            return (null, Rejected(400, ex.Message));
        }

        WeChatInbound message;
        if (_settings.Cipher is { } cipher)
        {
            if (envelope.Encrypt is not { Length: > 0 } encrypted) return (null, Rejected(400, "safe mode: the message has no Encrypt field"));
            if (!WeChatSignature.Verify(query.MsgSignature, _settings.Token, query.Timestamp!, query.Nonce ?? "", encrypted))
                return (null, Rejected(403, "invalid msg_signature"));
            try
            {
                message = WeChatXml.Parse(cipher.Decrypt(encrypted));
            }
            catch (Exception ex) when (ex is WeChatCryptoException or WeChatXmlException)
            {
                return (null, Rejected(400, "encrypted message: " + ex.Message));
            }
        }
        else
        {
            if (!WeChatSignature.Verify(query.Signature, _settings.Token, query.Timestamp!, query.Nonce ?? ""))
                return (null, Rejected(403, "invalid signature"));
            if (!await AcceptSignatureAsync(query.Timestamp!, query.Nonce ?? "", body, cancellationToken).ConfigureAwait(false))
                return (null, Rejected(403, "signature already used with another message (replay)"));
            if (envelope.MsgType.Length == 0 && envelope.Encrypt is not null)
                return (null, Rejected(400, "the message is encrypted but this endpoint is configured for plain mode (set Mode to safe)"));
            message = envelope;
        }
        if (message.FromUserName.Length == 0 || message.MsgType.Length == 0) return (null, Rejected(400, "FromUserName and MsgType are required"));
        return (message, null);
    }

    private async Task<bool> AcceptSignatureAsync(string timestamp, string nonce, string body, CancellationToken cancellationToken)
    {
        var hash = ReplayGuard.BodyHash(body);
        // This instance's own record always applies, so an unreachable ledger never opens the replay window wider than one instance's.
        if (!_localReplays.Accept(timestamp, nonce, hash)) return false;
        try
        {
            return await _ledger.AcceptSignatureAsync(timestamp, nonce, hash, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogLedgerFailed(_log, _settings.Channel, ex.Message);
            return true;
        }
    }

    /// <summary>
    /// Produces the answer if no other instance is (or its producer died), else waits for the answer another instance
    /// records. A message nobody answers within <see cref="Remember"/> is given up silently.
    /// </summary>
    private async Task<WeChatOutcome> AnswerOnceAsync(string key, WeChatInbound message)
    {
        var started = _time.GetTimestamp();
        while (true)
        {
            if (await FromLedgerAsync(l => l.TryBeginAsync(key, _stopping.Token), whenUnreachable: true).ConfigureAwait(false))
                return await ProduceLeasedAsync(key, message).ConfigureAwait(false);
            if (await FromLedgerAsync(l => l.GetOutcomeAsync(key, _stopping.Token), whenUnreachable: null).ConfigureAwait(false) is { } recorded)
                return recorded;
            if (_time.GetElapsedTime(started) > Remember) return WeChatOutcome.Nothing;
            await Task.Delay(FollowPoll, _time, _stopping.Token).ConfigureAwait(false);
        }
    }

    /// <summary>Produces the answer while renewing this instance's lease on it, then records it for the other instances.</summary>
    private async Task<WeChatOutcome> ProduceLeasedAsync(string key, WeChatInbound message)
    {
        using var producing = CancellationTokenSource.CreateLinkedTokenSource(_stopping.Token);
        var renewing = RenewAsync(key, producing.Token);
        WeChatOutcome outcome;
        try
        {
            outcome = await ProduceAsync(message).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            outcome = OnEngineFailure(ex);
        }
        finally
        {
            await producing.CancelAsync().ConfigureAwait(false);
            await renewing.ConfigureAwait(false);
        }
        await FromLedgerAsync(async l => { await l.CompleteAsync(key, outcome, _stopping.Token).ConfigureAwait(false); return true; }, whenUnreachable: false)
            .ConfigureAwait(false);
        return outcome;
    }

    private async Task RenewAsync(string key, CancellationToken producing)
    {
        try
        {
            while (true)
            {
                await Task.Delay(_settings.DeliveryLease / 3, _time, producing).ConfigureAwait(false);
                await FromLedgerAsync(async l => { await l.RenewAsync(key, producing).ConfigureAwait(false); return true; }, whenUnreachable: false).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException)
        {
            // The answer is ready (or the service is stopping).
        }
    }

    /// <summary>Exactly one path, on any instance, delivers: this instance's own claim first, then the shared one.</summary>
    private async Task<bool> ClaimAsync(Delivery delivery, string key) =>
        delivery.TryClaim() && await FromLedgerAsync(l => l.TryClaimAsync(key, _stopping.Token), whenUnreachable: true).ConfigureAwait(false);

    /// <summary>Asks the ledger; when it cannot answer (the database is down), this instance decides alone.</summary>
    private async Task<T> FromLedgerAsync<T>(Func<IWeChatDeliveryLedger, Task<T>> ask, T whenUnreachable)
    {
        try
        {
            return await ask(_ledger).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogLedgerFailed(_log, _settings.Channel, ex.Message);
            return whenUnreachable;
        }
    }

    /// <summary>Runs the message through the engine (or answers it directly) and renders the reply.</summary>
    private async Task<WeChatOutcome> ProduceAsync(WeChatInbound message)
    {
        string? header = null;
        string text;
        switch (message.MsgType)
        {
            case "text":
                text = message.Content ?? "";
                break;
            case "voice" when !string.IsNullOrWhiteSpace(message.Recognition):
                text = message.Recognition!;
                break;
            case "voice":
                return WeChatOutcome.Text(WeChatTexts.VoiceNotRecognised);
            case "event":
                switch ((message.Event ?? "").ToLowerInvariant())
                {
                    case "subscribe" or "enter_agent":
                        header = WeChatTexts.Subscribed;
                        text = "你好";
                        break;
                    case "click" when message.EventKey is { } k && _settings.Articles.TryGetValue(k, out var article):
                        return WeChatOutcome.News(article);
                    case "click" when message.EventKey is { } k && _settings.MenuKeys.TryGetValue(k, out var asked):
                        text = asked;
                        break;
                    case "click":
                        return WeChatOutcome.Text(WeChatTexts.UnknownMenu);
                    default:
                        // unsubscribe, VIEW (a menu link), LOCATION, template receipts…: nothing to say.
                        return WeChatOutcome.Nothing;
                }
                break;
            default:
                return WeChatOutcome.Text(WeChatTexts.UnsupportedMessage);
        }

        // The OpenID is trusted only because the signature (and in safe mode the encryption) was verified above.
        var identity = new ChannelIdentity(_settings.Channel, message.FromUserName, message.FromUserName);
        if (!_rateGate.TryEnter(identity.UserKey)) return WeChatOutcome.Text(ConversationTexts.RateLimited);

        using var turn = await _userLocks.AcquireAsync(identity.ConversationKey, _stopping.Token).ConfigureAwait(false);
        var inbound = new InboundMessage(identity.ConversationKey, identity.UserKey, _settings.Channel, text, null,
            message.CreateTime > 0 ? DateTimeOffset.FromUnixTimeSeconds(message.CreateTime) : null);
        var replies = await _handler.HandleAsync(inbound, _stopping.Token).ConfigureAwait(false);
        return WeChatOutcome.From(replies, header);
    }

    /// <summary>The engine failed: logged once, and the citizen gets an apology instead of an answer.</summary>
    private WeChatOutcome OnEngineFailure(Exception exception)
    {
        LogEngineFailed(_log, exception, _settings.Channel);
        return WeChatOutcome.Text(WeChatTexts.Failed);
    }

    private WeChatResponse Passive(WeChatInbound message, WeChatOutcome outcome, string nonce)
    {
        var now = _time.GetUtcNow().ToUnixTimeSeconds();
        // The reply goes from the account to the user: To and From swap.
        var xml = outcome.Article is { } article
            ? WeChatXml.NewsReply(message.FromUserName, message.ToUserName, now, [article])
            : WeChatXml.TextReply(message.FromUserName, message.ToUserName, now, outcome.Message);
        if (_settings.Cipher is not { } cipher) return WeChatResponse.Xml(xml);
        var encrypted = cipher.Encrypt(xml);
        var timestamp = now.ToString(CultureInfo.InvariantCulture);
        return WeChatResponse.Xml(WeChatXml.EncryptedEnvelope(encrypted, WeChatSignature.Compute(_settings.Token, timestamp, nonce, encrypted), timestamp, nonce));
    }

    /// <summary>The answer missed the deadline: send it through the API when it is ready, unless a retry already replied with it.</summary>
    private async Task DeliverLaterAsync(Delivery delivery, string key, WeChatInbound message)
    {
        var outcome = await delivery.Work.ConfigureAwait(false);
        if (outcome.Silent || !await ClaimAsync(delivery, key).ConfigureAwait(false)) return;
        if (_sender is null)
        {
            LogNoSender(_log, _settings.Channel);
            return;
        }
        try
        {
            foreach (var part in outcome.Parts) await _sender.SendTextAsync(message.FromUserName, part, _stopping.Token).ConfigureAwait(false);
            LogDeliveredLater(_log, _settings.Channel, outcome.Parts.Count);
        }
        catch (Exception ex) when (ex is WeChatApiException or HttpRequestException or OperationCanceledException)
        {
            LogSendFailed(_log, _settings.Channel, ex.Message);
        }
    }

    private void Track(Task task)
    {
        _background.TryAdd(task, 0);
        task.ContinueWith(t => _background.TryRemove(t, out _), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
    }

    private bool FreshTimestamp(string? timestamp)
    {
        if (!long.TryParse(timestamp, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds)) return false;
        var skew = Math.Abs(_time.GetUtcNow().ToUnixTimeSeconds() - seconds);
        return skew <= _settings.TimestampWindow.TotalSeconds;
    }

    /// <summary>Forgets deliveries older than WeChat's retry horizon (with a wide margin), at most every 30 s.</summary>
    private void SweepOccasionally()
    {
        var now = _time.GetTimestamp();
        var last = Interlocked.Read(ref _lastSweep);
        if (_time.GetElapsedTime(last, now) < TimeSpan.FromSeconds(30) || Interlocked.CompareExchange(ref _lastSweep, now, last) != last) return;
        foreach (var (key, d) in _deliveries)
        {
            if (d.Work.IsCompleted && _time.GetElapsedTime(d.CreatedAt, now) > Remember) _deliveries.TryRemove(key, out _);
        }
        Track(FromLedgerAsync(l => l.SweepAsync(_time.GetUtcNow() - Remember, _stopping.Token), whenUnreachable: 0));
    }

    private WeChatResponse Rejected(int status, string reason)
    {
        LogRejected(_log, _settings.Channel, status, reason);
        return WeChatResponse.Reject(status, reason);
    }

    /// <summary>Waits (bounded) for answers still being sent through the API, then stops.</summary>
    public async ValueTask DisposeAsync()
    {
        try
        {
            await Task.WhenAll(_background.Keys).WaitAsync(TimeSpan.FromSeconds(10)).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            LogShutdownPending(_log, _settings.Channel, _background.Count);
        }
        await _stopping.CancelAsync().ConfigureAwait(false);
        _stopping.Dispose();
    }

    /// <summary>One inbound message's answer, shared by the first delivery and WeChat's retries.</summary>
    private sealed class Delivery(long createdAt)
    {
        private readonly TaskCompletionSource<WeChatOutcome> _work = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int _claimed;
        private int _later;
        public Task<WeChatOutcome> Work => _work.Task;
        public long CreatedAt { get; } = createdAt;

        /// <summary>Runs the work off the request; a failure becomes <paramref name="onFailure"/>'s outcome, so Work never faults.</summary>
        public void Start(Func<Task<WeChatOutcome>> produce, Func<Exception, WeChatOutcome> onFailure) => _ = Task.Run(async () =>
        {
            try
            {
                _work.SetResult(await produce().ConfigureAwait(false));
            }
            catch (Exception ex)
            {
                _work.SetResult(onFailure(ex));
            }
        });

        /// <summary>Exactly one caller (a passive reply or the API fallback) gets to deliver the answer.</summary>
        public bool TryClaim() => Interlocked.Exchange(ref _claimed, 1) == 0;

        public bool TryStartLater() => Interlocked.Exchange(ref _later, 1) == 0;
    }

    [LoggerMessage(LogLevel.Warning, "{Channel}: rejected callback: {Status} {Reason}")]
    private static partial void LogRejected(ILogger logger, string channel, int status, string reason);

    [LoggerMessage(LogLevel.Information, "{Channel}: WeChat retried {Key}; answered once")]
    private static partial void LogRetry(ILogger logger, string channel, string key);

    [LoggerMessage(LogLevel.Information, "{Channel}: answer not ready within {Seconds} s; replied success, sending through the API")]
    private static partial void LogDeadlineMissed(ILogger logger, string channel, double seconds);

    [LoggerMessage(LogLevel.Information, "{Channel}: answer sent through the API in {Parts} message(s)")]
    private static partial void LogDeliveredLater(ILogger logger, string channel, int parts);

    [LoggerMessage(LogLevel.Error, "{Channel}: could not send the answer through the API: {Message}")]
    private static partial void LogSendFailed(ILogger logger, string channel, string message);

    [LoggerMessage(LogLevel.Error, "{Channel}: an answer missed the reply deadline and no API credentials are configured to send it later")]
    private static partial void LogNoSender(ILogger logger, string channel);

    [LoggerMessage(LogLevel.Error, "{Channel}: the conversation engine failed; the citizen got an apology")]
    private static partial void LogEngineFailed(ILogger logger, Exception? exception, string channel);

    [LoggerMessage(LogLevel.Warning, "{Channel}: the shared delivery ledger failed ({Message}); this instance decides alone")]
    private static partial void LogLedgerFailed(ILogger logger, string channel, string message);

    [LoggerMessage(LogLevel.Warning, "{Channel}: shutting down with {Count} answer(s) still being sent")]
    private static partial void LogShutdownPending(ILogger logger, string channel, int count);
}

/// <summary>
/// What a message gets: one text message (the passive reply), a news card, or nothing. The whole text in parts
/// for the API is rendered only when it is needed, i.e. when the answer missed the deadline.
/// </summary>
public sealed class WeChatOutcome
{
    private readonly Lazy<IReadOnlyList<string>> _parts;

    private WeChatOutcome(string message, Func<IReadOnlyList<string>> parts, NewsArticle? article, bool silent)
    {
        Message = message;
        _parts = new Lazy<IReadOnlyList<string>>(parts);
        Article = article;
        Silent = silent;
    }

    public string Message { get; }
    public IReadOnlyList<string> Parts => _parts.Value;
    public NewsArticle? Article { get; }
    public bool Silent { get; }

    public static WeChatOutcome Nothing { get; } = new("", () => [], null, true);
    public static WeChatOutcome Text(string text) => new(text, () => [text], null, false);

    /// <summary>An outcome another instance produced and recorded.</summary>
    public static WeChatOutcome Restore(string message, IReadOnlyList<string> parts, NewsArticle? article, bool silent) =>
        new(message, () => parts, article, silent);

    /// <summary>A news card; the API fallback sends it as text (title, description, link).</summary>
    public static WeChatOutcome News(NewsArticle article)
    {
        var text = article.Title + "\n" + article.Description + "\n" + article.Url;
        return new(text, () => [text], article, false);
    }

    public static WeChatOutcome From(IReadOnlyList<OutboundReply> replies, string? header) =>
        replies.Count == 0 && header is null
            ? Nothing
            : new(WeChatRenderer.RenderSingle(replies, header), () => WeChatRenderer.RenderParts(replies, header), null, false);
}
