using System.ComponentModel.DataAnnotations;

namespace LegalBot.Service.Hosting;

/// <summary><c>Knowledge__Path</c>: the knowledge folder staff edit.</summary>
public sealed class KnowledgeOptions
{
    public const string Section = "Knowledge";
    [Required] public string Path { get; set; } = "knowledge";
    /// <summary>Quiet time after the last file change before re-indexing (editors save in several steps).</summary>
    [Range(50, 10_000)] public int DebounceMilliseconds { get; set; } = 300;
}

/// <summary><c>Data__Path</c>: index, conversation state and keys.</summary>
public sealed class DataOptions
{
    public const string Section = "Data";
    [Required] public string Path { get; set; } = "data";
}

/// <summary>Bot Framework channel settings. Without an App ID the bot runs in anonymous (Emulator/local) mode.</summary>
public sealed class BotOptions
{
    public const string Section = "Bot";
    public string? MicrosoftAppId { get; set; }
    public string? MicrosoftAppPassword { get; set; }
    [Url] public string OpenIdMetadataUrl { get; set; } = "https://login.botframework.com/v1/.well-known/openidconfiguration";
    [Required] public string Issuer { get; set; } = "https://api.botframework.com";
    [Url] public string ConnectorTokenUrl { get; set; } = "https://login.microsoftonline.com/botframework.com/oauth2/v2.0/token";
    [Required] public string ConnectorScope { get; set; } = "https://api.botframework.com/.default";
}

public sealed class ConversationOptions
{
    public const string Section = "Conversation";
    [Range(0.0, 1.0)] public double ConfidenceThreshold { get; set; } = Conversation.EngineOptions.DefaultConfidenceThreshold;
    [Range(256, 65_536)] public int MaxMessageBytes { get; set; } = 4096;
    /// <summary>Messages a user may send per minute before getting the polite "slow down" reply.</summary>
    [Range(1, 10_000)] public int MessagesPerMinute { get; set; } = 30;
    [Range(1, 1440)] public int DirectLineTokenMinutes { get; set; } = 30;
}

/// <summary>Staff endpoints: allowed with <c>Staff__ApiKey</c> as X-Api-Key, or from loopback when no key is set.</summary>
public sealed class StaffOptions
{
    public const string Section = "Staff";
    public string? ApiKey { get; set; }
}
