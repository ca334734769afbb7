using System.Collections.Concurrent;
using System.Globalization;
using System.Net.WebSockets;
using System.Text.Json;
using LegalBot.Channels.BotFramework;
using LegalBot.Channels.DirectLine;

namespace LegalBot.Service.Endpoints;

/// <summary>
/// The Direct Line 3.0 WebSocket stream (<c>streamUrl</c>), what botframework-directlinejs uses by default: every
/// activity after the watermark, then each new one as it is stored, as text frames of
/// <c>{"activities":[…],"watermark":"N"}</c>. The client's own frames (its keep-alive pings) are read and ignored.
/// A stream is woken by <see cref="DirectLineSignals"/> and also re-reads every second, so an activity stored by
/// another instance arrives as well. At most <see cref="PerConversation"/> streams per conversation.
/// </summary>
public static class DirectLineStreamEndpoint
{
    public const int PerConversation = 3;
    private static readonly TimeSpan ReRead = TimeSpan.FromSeconds(1);
    private static readonly ConcurrentDictionary<string, int> Open = new(StringComparer.Ordinal);

    public static async Task<IResult> HandleAsync(string id, string? t, string? watermark, HttpContext context, DirectLineService directLine,
        CancellationToken cancellationToken)
    {
        try
        {
            directLine.AuthorizeStream(t ?? DirectLineEndpoints.Bearer(context.Request), id);
        }
        catch (DirectLineException ex)
        {
            return Results.Json(ex.ToBody(), statusCode: ex.StatusCode);
        }
        if (!context.WebSockets.IsWebSocketRequest)
            return Results.Json(new DirectLineException(400, "BadArgument", "this is a WebSocket address; poll /activities instead").ToBody(), statusCode: 400);
        if (Open.AddOrUpdate(id, 1, (_, n) => n + 1) > PerConversation)
        {
            Release(id);
            return Results.Json(new DirectLineException(429, "TooManyRequests", "too many streams for this conversation").ToBody(), statusCode: 429);
        }
        try
        {
            using var socket = await context.WebSockets.AcceptWebSocketAsync().ConfigureAwait(false);
            using var closing = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            var reading = DrainAsync(socket, closing);
            await PushAsync(socket, id, DirectLineService.ParseWatermark(watermark), directLine, closing.Token).ConfigureAwait(false);
            await reading.ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is OperationCanceledException or WebSocketException)
        {
            // The client went away: nothing to tell it.
        }
        finally
        {
            Release(id);
            directLine.Signals.Forget(id);
        }
        return Results.Empty;
    }

    private static async Task PushAsync(WebSocket socket, string id, long watermark, DirectLineService directLine, CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested && socket.State == WebSocketState.Open)
        {
            var woken = directLine.Signals.Next(id);
            var batch = await directLine.ReadAsync(id, watermark, cancellationToken).ConfigureAwait(false);
            if (batch.Activities.Count > 0)
            {
                watermark = batch.Watermark;
                var frame = JsonSerializer.SerializeToUtf8Bytes(new ActivitySet
                {
                    Activities = batch.Activities, Watermark = watermark.ToString(CultureInfo.InvariantCulture),
                }, ActivityJson.Options);
                await socket.SendAsync(frame, WebSocketMessageType.Text, endOfMessage: true, cancellationToken).ConfigureAwait(false);
                continue;
            }
            try
            {
                await woken.WaitAsync(ReRead, cancellationToken).ConfigureAwait(false);
            }
            catch (TimeoutException)
            {
                // Re-read: another instance may have stored something.
            }
        }
    }

    /// <summary>Reads (and drops) what the client sends until it closes; then stops the pushing side.</summary>
    private static async Task DrainAsync(WebSocket socket, CancellationTokenSource closing)
    {
        var buffer = new byte[1024];
        try
        {
            while (socket.State == WebSocketState.Open)
            {
                var received = await socket.ReceiveAsync(buffer, closing.Token).ConfigureAwait(false);
                if (received.MessageType == WebSocketMessageType.Close)
                {
                    await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, CancellationToken.None).ConfigureAwait(false);
                    break;
                }
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or WebSocketException)
        {
        }
        finally
        {
            await closing.CancelAsync().ConfigureAwait(false);
        }
    }

    private static void Release(string id)
    {
        while (Open.TryGetValue(id, out var n))
        {
            if (n <= 1 ? Open.TryRemove(KeyValuePair.Create(id, n)) : Open.TryUpdate(id, n - 1, n)) return;
        }
    }
}
