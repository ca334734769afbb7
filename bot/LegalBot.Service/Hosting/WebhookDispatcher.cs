using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using LegalBot.Cases.Storage;
using Microsoft.Extensions.Options;

namespace LegalBot.Service.Hosting;

/// <summary>
/// Delivers new-case notifications from the outbox, off the citizen's path. Each is leased before sending (so
/// instances sharing a database never send one twice at once), marked delivered only on success — a 2xx whose
/// body, if WeCom-style JSON, has errcode 0 — and otherwise retried with doubling backoff. Receivers that want
/// to deduplicate get a stable <c>X-LegalBot-Notification</c> id.
/// </summary>
public sealed partial class WebhookDispatcher(ICaseStore cases, IHttpClientFactory http, IOptions<NotificationOptions> options,
    TimeProvider time, ILogger<WebhookDispatcher> log) : BackgroundService
{
    public const string HttpClientName = "webhooks";
    private static readonly TimeSpan Lease = TimeSpan.FromMinutes(2);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var o = options.Value;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                foreach (var n in await cases.LeaseDueNotificationsAsync(Lease, 20, stoppingToken).ConfigureAwait(false))
                {
                    var failure = await SendAsync(n.Target, n.Id, n.Body, o.TimeoutSeconds, stoppingToken).ConfigureAwait(false);
                    if (failure is null)
                    {
                        await cases.MarkDeliveredAsync(n.Id, CancellationToken.None).ConfigureAwait(false);
                        LogDelivered(n.Reference, n.OfficeId, n.Attempts + 1);
                    }
                    else
                    {
                        var delay = TimeSpan.FromSeconds(Math.Min(o.MaxBackoffSeconds, Math.Pow(2, Math.Min(n.Attempts, 20))));
                        await cases.MarkFailedAsync(n.Id, failure, time.GetUtcNow() + delay, CancellationToken.None).ConfigureAwait(false);
                        LogFailed(n.Reference, n.OfficeId, n.Attempts + 1, failure, delay.TotalSeconds);
                    }
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex) when (ex is System.Data.Common.DbException or InvalidOperationException or IOException)
            {
                LogStoreError(ex.Message);
            }
            try { await Task.Delay(TimeSpan.FromMilliseconds(o.PollMilliseconds), time, stoppingToken).ConfigureAwait(false); }
            catch (OperationCanceledException) { return; }
        }
    }

    /// <returns>Null on success, else why it failed.</returns>
    private async Task<string?> SendAsync(Uri target, long id, string body, int timeoutSeconds, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(timeoutSeconds));
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, target) { Content = new StringContent(body, Encoding.UTF8) };
            request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
            request.Headers.Add("X-LegalBot-Notification", id.ToString(System.Globalization.CultureInfo.InvariantCulture));
            using var response = await http.CreateClient(HttpClientName).SendAsync(request, timeout.Token).ConfigureAwait(false);
            var text = await response.Content.ReadAsStringAsync(timeout.Token).ConfigureAwait(false);
            if (!response.IsSuccessStatusCode) return $"HTTP {(int)response.StatusCode}";
            return WeComError(text);
        }
        catch (HttpRequestException ex) { return ex.Message; }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested) { return $"no answer within {timeoutSeconds} s"; }
    }

    /// <summary>WeCom answers 200 with {"errcode":93000,…} for a bad key or rate limit: that is a failure.</summary>
    private static string? WeComError(string body)
    {
        try
        {
            using var doc = JsonDocument.Parse(body);
            if (doc.RootElement.ValueKind == JsonValueKind.Object && doc.RootElement.TryGetProperty("errcode", out var code)
                && code.ValueKind == JsonValueKind.Number && code.GetInt32() != 0)
                return $"errcode {code.GetInt32()}: " + (doc.RootElement.TryGetProperty("errmsg", out var m) ? m.GetString() : "");
        }
        catch (JsonException) { }
        return null;
    }

    [LoggerMessage(LogLevel.Information, "case {Reference} notification to {Office} delivered (attempt {Attempt})")]
    private partial void LogDelivered(string reference, string office, int attempt);

    [LoggerMessage(LogLevel.Warning, "case {Reference} notification to {Office} failed (attempt {Attempt}): {Failure}; retry in {Seconds} s")]
    private partial void LogFailed(string reference, string office, int attempt, string failure, double seconds);

    [LoggerMessage(LogLevel.Error, "notification outbox unavailable: {Message}")]
    private partial void LogStoreError(string message);
}
