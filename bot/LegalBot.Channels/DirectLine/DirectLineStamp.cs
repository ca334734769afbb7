using System.Globalization;
using System.Text.Json;
using LegalBot.Channels.BotFramework;

namespace LegalBot.Channels.DirectLine;

/// <summary>The server-side marks every stored activity carries, whichever store holds it.</summary>
internal static class DirectLineStamp
{
    public static string Id(string conversationId, long seq) => $"{conversationId}|{seq.ToString("D7", CultureInfo.InvariantCulture)}";

    /// <summary>Gives the activity its id and sequence; returns its serialised form.</summary>
    public static byte[] Apply(Activity activity, string conversationId, long seq)
    {
        activity.Id = Id(conversationId, seq);
        // Web Chat orders by this when present; it keeps the echo and replies in posting order.
        activity.ChannelData = WithSequence(activity.ChannelData, seq);
        return JsonSerializer.SerializeToUtf8Bytes(activity, ActivityJson.Options);
    }

    private static JsonElement WithSequence(JsonElement? channelData, long seq)
    {
        var dict = channelData is { ValueKind: JsonValueKind.Object } obj
            ? obj.EnumerateObject().Take(32).ToDictionary(p => p.Name, p => (object?)p.Value.Clone())
            : [];
        dict["webchat:sequence-id"] = seq;
        return JsonSerializer.SerializeToElement(dict);
    }
}
