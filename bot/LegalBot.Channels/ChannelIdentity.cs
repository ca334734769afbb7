namespace LegalBot.Channels;

/// <summary>
/// Who a message is from, as the channel that authenticated it established: web chat from the Direct Line token,
/// WeChat/WeCom from the verified signature, Bot Framework from the validated JWT. Conversation state, dialogs,
/// feedback and rate limits are keyed by <see cref="ConversationKey"/> and <see cref="UserKey"/>, which carry the
/// channel, so no endpoint can name another channel's conversation ("wechat:…" posted to /api/messages stays a
/// Bot Framework conversation).
/// </summary>
/// <param name="Channel">The authenticating channel: webchat, wechat, wecom, emulator, or bf.{channelId}.</param>
/// <param name="Conversation">The conversation id within that channel.</param>
/// <param name="User">The user id within that channel.</param>
public sealed record ChannelIdentity(string Channel, string Conversation, string User)
{
    public string ConversationKey => Channel + ":" + Conversation;
    public string UserKey => Channel + ":" + User;
}
