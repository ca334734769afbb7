using System.Globalization;
using System.Net;
using Grpc.Core;

namespace LegalBot.Knowledge.Tests.Qdrant;

/// <summary>
/// The HTTP/2 transport under the gRPC channel, able to answer planned calls itself with a gRPC error (a
/// trailers-only response, as a server in trouble sends): failures reach the client as from Qdrant, with the
/// fake or a live server behind.
/// </summary>
internal sealed class FaultInjector() : DelegatingHandler(new SocketsHttpHandler())
{
    private readonly Lock _gate = new();
    private (string? Method, int Count, StatusCode Status) _plan;

    /// <summary>The next <paramref name="count"/> calls of a method whose path contains <paramref name="method"/> (any call if null) fail.</summary>
    public void Fail(string? method, int count, StatusCode status = StatusCode.Internal)
    {
        lock (_gate) _plan = (method, count, status);
    }

    private StatusCode? Due(string path)
    {
        lock (_gate)
        {
            if (_plan.Count <= 0 || (_plan.Method is { } m && !path.Contains(m, StringComparison.Ordinal))) return null;
            _plan = _plan with { Count = _plan.Count - 1 };
            return _plan.Status;
        }
    }

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (Due(request.RequestUri!.AbsolutePath) is not { } status) return await base.SendAsync(request, cancellationToken);
        var response = new HttpResponseMessage(HttpStatusCode.OK) { Version = HttpVersion.Version20, RequestMessage = request, Content = new ByteArrayContent([]) };
        response.Content.Headers.ContentType = new("application/grpc");
        response.Headers.Add("grpc-status", ((int)status).ToString(CultureInfo.InvariantCulture));
        response.Headers.Add("grpc-message", "injected failure");
        return response;
    }
}
