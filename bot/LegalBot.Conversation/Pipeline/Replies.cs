using LegalBot.Knowledge.Site;

namespace LegalBot.Conversation.Pipeline;

/// <summary>Small reply shapes the handlers share.</summary>
public static class Replies
{
    public static OutboundReply Simple(ReplyKind kind, string route, string lead, IReadOnlyList<SuggestedAction>? actions = null) =>
        new(kind, route, lead, null, [], [], actions ?? [], [], 1.0, null);

    /// <summary>The greeting's topic buttons.</summary>
    public static List<SuggestedAction> Topics(SiteSettings site) => site.Topics.Select(t => new SuggestedAction(t, t)).ToList();
}
