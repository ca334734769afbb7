using Grpc.Core;
using Grpc.Core.Interceptors;
using Grpc.Net.Client;
using Qdrant.Client;
using Qdrant.Client.Grpc;

namespace LegalBot.Knowledge.Index.Qdrant;

/// <summary>
/// The official <see cref="QdrantClient"/> over one gRPC channel, with LegalBot's error policy: transient
/// failures (unreachable, unavailable, overloaded, internal error, deadline exceeded) are retried with
/// exponential backoff — every request LegalBot sends is idempotent (deterministic point ids, filter deletes,
/// alias swaps), so a retry cannot duplicate — and every failure surfaces as one <see cref="QdrantException"/>
/// naming the operation and Qdrant's own message.
/// </summary>
internal sealed class QdrantConnection : IDisposable
{
    private readonly GrpcChannel _channel;
    private readonly QdrantSettings _settings;
    private readonly TimeProvider _time;

    public QdrantConnection(QdrantSettings settings, TimeProvider time, HttpMessageHandler? handler = null)
    {
        if (settings.Problems().FirstOrDefault() is { } problem) throw new ArgumentException(problem, nameof(settings));
        _settings = settings;
        _time = time;
        _channel = GrpcChannel.ForAddress(settings.Url, new GrpcChannelOptions
        {
            HttpHandler = handler,
            DisposeHttpClient = handler is null,
            // Retries are ours (below): one policy, one error message, whatever the transport said.
            MaxRetryAttempts = 0,
        });
        CallInvoker invoker = _channel.CreateCallInvoker();
        if (!string.IsNullOrEmpty(settings.ApiKey))
        {
            // Qdrant reads the key from the "api-key" header, over TLS or (inside a cluster network) plain h2c.
            var key = settings.ApiKey;
            invoker = invoker.Intercept(metadata =>
            {
                metadata.Add("api-key", key);
                return metadata;
            });
        }
        Client = new QdrantClient(new QdrantGrpcClient(invoker), settings.Timeout ?? TimeSpan.FromSeconds(30));
    }

    private QdrantClient Client { get; }

    /// <summary>Runs <paramref name="call"/>, retrying transient failures; <paramref name="operation"/> names it in errors.</summary>
    public async Task<T> CallAsync<T>(string operation, Func<QdrantClient, CancellationToken, Task<T>> call, CancellationToken cancellationToken)
    {
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                return await call(Client, cancellationToken).ConfigureAwait(false);
            }
            catch (RpcException ex) when (!cancellationToken.IsCancellationRequested)
            {
                if (IsTransient(ex.StatusCode) && attempt < _settings.MaxRetries)
                {
                    await DelayAsync(attempt, cancellationToken).ConfigureAwait(false);
                    continue;
                }
                throw ToException(operation, ex);
            }
        }
    }

    public Task CallAsync(string operation, Func<QdrantClient, CancellationToken, Task> call, CancellationToken cancellationToken) =>
        CallAsync(operation, async (client, ct) =>
        {
            await call(client, ct).ConfigureAwait(false);
            return true;
        }, cancellationToken);

    private static bool IsTransient(StatusCode code) =>
        code is StatusCode.Unavailable or StatusCode.ResourceExhausted or StatusCode.Internal or StatusCode.DeadlineExceeded or StatusCode.Aborted;

    private QdrantException ToException(string operation, RpcException ex)
    {
        // A status the client made up (no HTTP/2 answer at all) means Qdrant was never reached.
        if (ex.StatusCode is StatusCode.Unavailable or StatusCode.Internal && ex.Status.DebugException is { } cause)
            return new QdrantException($"Qdrant at {_settings.Url} is unreachable ({operation}): {cause.Message}", ex) { StatusCode = ex.StatusCode };
        if (ex.StatusCode == StatusCode.DeadlineExceeded)
            return new QdrantException($"Qdrant at {_settings.Url} did not answer {operation} within {(_settings.Timeout ?? TimeSpan.FromSeconds(30)).TotalSeconds:0.#} s", ex) { StatusCode = ex.StatusCode };
        return new QdrantException($"Qdrant refused {operation}: {ex.StatusCode} {ex.Status.Detail}", ex) { StatusCode = ex.StatusCode };
    }

    private async Task DelayAsync(int attempt, CancellationToken ct)
    {
        // 100 ms, 200 ms, 400 ms … with ±25 % jitter so several instances do not retry in step.
        var ms = 100 * Math.Pow(2, attempt) * (0.75 + Random.Shared.NextDouble() / 2);
        await Task.Delay(TimeSpan.FromMilliseconds(ms), _time, ct).ConfigureAwait(false);
    }

    public void Dispose() => _channel.Dispose();
}
