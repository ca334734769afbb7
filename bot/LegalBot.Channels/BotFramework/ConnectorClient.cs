using System.Net.Http.Headers;
using System.Net.Http.Json;

namespace LegalBot.Channels.BotFramework;

/// <summary>Supplies the bearer token for calls to a channel's connector (none in anonymous/Emulator mode).</summary>
public interface IConnectorTokenProvider
{
    Task<string?> GetTokenAsync(CancellationToken cancellationToken);
}

public sealed class AnonymousConnectorTokenProvider : IConnectorTokenProvider
{
    public Task<string?> GetTokenAsync(CancellationToken cancellationToken) => Task.FromResult<string?>(null);
}

/// <summary>
/// Sends replies to <c>{serviceUrl}/v3/conversations/{conversationId}/activities/{replyToId}</c>
/// (ReplyToActivity), as the Bot Connector API defines.
/// </summary>
public sealed class ConnectorClient(HttpClient http, IConnectorTokenProvider tokens)
{
    public async Task<ResourceResponse?> ReplyAsync(Activity reply, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(reply.ServiceUrl) || string.IsNullOrEmpty(reply.Conversation?.Id))
            throw new InvalidOperationException("reply has no serviceUrl or conversation id");
        var baseUrl = reply.ServiceUrl.TrimEnd('/');
        var conversation = Uri.EscapeDataString(reply.Conversation.Id);
        var url = reply.ReplyToId is { Length: > 0 } replyTo
            ? $"{baseUrl}/v3/conversations/{conversation}/activities/{Uri.EscapeDataString(replyTo)}"
            : $"{baseUrl}/v3/conversations/{conversation}/activities";
        using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = JsonContent.Create(reply, options: ActivityJson.Options) };
        if (await tokens.GetTokenAsync(cancellationToken).ConfigureAwait(false) is { } token)
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var response = await http.SendAsync(request, cancellationToken).ConfigureAwait(false);
        response.EnsureSuccessStatusCode();
        return response.Content.Headers.ContentLength == 0 ? null
            : await response.Content.ReadFromJsonAsync<ResourceResponse>(ActivityJson.Options, cancellationToken).ConfigureAwait(false);
    }
}
