using LegalBot.Cases.Activity;
using LegalBot.Knowledge.Offices;

namespace LegalBot.Conversation.Pipeline;

/// <summary>What one turn counts for 咨询人次: the consultation its replies amount to, if any.</summary>
public static class Consultations
{
    /// <summary>The consultation a turn's replies amount to, if they answer a question at all; with the town the message
    /// names (我是城关镇的…), as the office directory resolves it, else none (the statistics count it under 未知乡镇).</summary>
    public static Consultation? Of(InboundMessage message, IReadOnlyList<OutboundReply> replies, DateTimeOffset at, OfficeDirectory offices)
    {
        var reply = replies.FirstOrDefault(r => r.Kind is ReplyKind.Answer or ReplyKind.NotSure or ReplyKind.Clarify);
        if (reply is null) return null;
        var outcome = reply.Kind switch
        {
            ReplyKind.Answer => ConsultationOutcome.Answered,
            ReplyKind.NotSure => ConsultationOutcome.Unanswered,
            _ => ConsultationOutcome.Clarified,
        };
        // Chunk ids are "documentId#anchor": the document is the matter, guide or statute answered from.
        var source = reply.Kind == ReplyKind.Answer && reply.Citations.Count > 0 ? reply.Citations[0].ChunkId.Split('#')[0] : null;
        var town = offices.Resolve(message.Text ?? "") is { Outcome: AreaLookupOutcome.Found, Area.Town: { } named } ? named : null;
        return new Consultation(at, message.Channel, reply.Route, outcome, source, town);
    }
}
