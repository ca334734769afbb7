using System.Text.Json.Serialization;
using LegalBot.Channels.BotFramework;

namespace LegalBot.Channels.DirectLine;

// Direct Line 3.0 wire shapes, as botframework-directlinejs reads them (../shared/contracts/protocol-notes.md §1).

public sealed record DirectLineConversation
{
    [JsonPropertyName("conversationId")] public required string ConversationId { get; init; }
    [JsonPropertyName("token")] public required string Token { get; init; }
    [JsonPropertyName("expires_in")] public int ExpiresIn { get; init; }
    [JsonPropertyName("streamUrl")] public string? StreamUrl { get; init; }
}

public sealed class ActivitySet
{
    [JsonPropertyName("activities")] public required IReadOnlyList<Activity> Activities { get; init; }
    [JsonPropertyName("watermark")] public required string Watermark { get; init; }
}

public sealed class TokenRequest
{
    [JsonPropertyName("user")] public ChannelAccount? User { get; init; }
}

/// <summary>An error the HTTP layer turns into a status and a Direct Line error body.</summary>
public sealed class DirectLineException(int statusCode, string code, string message) : Exception(message)
{
    public int StatusCode { get; } = statusCode;
    public string Code { get; } = code;

    public object ToBody() => new { error = new { code = Code, message = Message } };
}
