using LegalBot.Conversation;

namespace LegalBot.Channels.WeChat;

/// <summary>What every proactive push (the weekly lesson, a rating request) does to reach a citizen through the platform API.</summary>
public static class WeChatPush
{
    /// <summary>The platform user of a conversation or user key: <c>wechat:openid</c> → <c>openid</c> (see ChannelIdentity).</summary>
    public static string PlatformUser(string key, string channel) =>
        key.StartsWith(channel + ":", StringComparison.Ordinal) ? key[(channel.Length + 1)..] : key;

    /// <summary>Sends the replies as text messages, in parts within WeChat's size limit.</summary>
    /// <returns>Null when sent; the reason when the platform refused or could not be reached (the caller logs it and does not retry).</returns>
    public static async Task<string?> SendAsync(IWeChatSender sender, string user, IReadOnlyList<OutboundReply> replies, CancellationToken cancellationToken)
    {
        try
        {
            foreach (var part in WeChatRenderer.RenderParts(replies)) await sender.SendTextAsync(user, part, cancellationToken).ConfigureAwait(false);
            return null;
        }
        catch (Exception ex) when (ex is HttpRequestException or WeChatApiException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
        {
            return ex.Message;
        }
    }
}
