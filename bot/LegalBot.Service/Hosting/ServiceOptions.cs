using System.ComponentModel.DataAnnotations;

namespace LegalBot.Service.Hosting;

/// <summary><c>Knowledge__Path</c>: the knowledge folder staff edit.</summary>
public sealed class KnowledgeOptions
{
    public const string Section = "Knowledge";
    [Required] public string Path { get; set; } = "knowledge";
    /// <summary>Quiet time after the last file change before re-indexing (editors save in several steps).</summary>
    [Range(50, 10_000)] public int DebounceMilliseconds { get; set; } = 300;
    /// <summary>A knowledge file larger than this is refused unread (reported as a problem).</summary>
    [Range(1024, 64L * 1024 * 1024)] public long MaxFileBytes { get; set; } = 2 * 1024 * 1024;
}

/// <summary><c>Data__Path</c>: index, conversation state and keys.</summary>
public sealed class DataOptions
{
    public const string Section = "Data";
    [Required] public string Path { get; set; } = "data";

    /// <summary>
    /// <c>Data__Shared=true</c>: what instances behind one balancer must share — web chat conversations, conversation
    /// state and staff logs, WeChat/WeCom deduplication and delivery claims — lives in
    /// the case database, beside the progress-query lockout that is always there (needs <c>Cases__Database=postgresql</c> and a common <c>WebChat__TokenKey</c>), so no
    /// affinity is needed. Off, each instance keeps them under <see cref="Path"/> and answers even while the database is down.
    /// </summary>
    public bool Shared { get; set; }

    public const string SharedNeedsPostgres = "Data:Shared=true needs Cases:Database=postgresql and WebChat:TokenKey (instances share what they sign)";
}

/// <summary>
/// Bot Framework channel settings. With an App ID, channel JWTs are required; without one, /api/messages is closed
/// unless <see cref="AllowAnonymous"/> turns on Emulator mode (loopback callers and loopback serviceUrls only).
/// </summary>
public sealed class BotOptions
{
    public const string Section = "Bot";
    public string? MicrosoftAppId { get; set; }
    public string? MicrosoftAppPassword { get; set; }
    /// <summary>Development only: the Bot Framework Emulator on this machine, without credentials.</summary>
    public bool AllowAnonymous { get; set; }
    /// <summary>Hosts replies may be posted to (the serviceUrl must be https and within one of these domains).</summary>
    public List<string> ChannelDomains { get; set; } = [];
    [Url] public string OpenIdMetadataUrl { get; set; } = "https://login.botframework.com/v1/.well-known/openidconfiguration";
    [Required] public string Issuer { get; set; } = "https://api.botframework.com";
    [Url] public string ConnectorTokenUrl { get; set; } = "https://login.microsoftonline.com/botframework.com/oauth2/v2.0/token";
    [Required] public string ConnectorScope { get; set; } = "https://api.botframework.com/.default";
}

/// <summary><c>Limits__*</c>: what anonymous traffic may cost (see README "Security").</summary>
public sealed class LimitsOptions
{
    public const string Section = "Limits";
    /// <summary>Web chat tokens and conversation starts per client address per minute.</summary>
    [Range(1, 100_000)] public int ConversationsPerMinutePerClient { get; set; } = 30;
    /// <summary>Messages per client address per minute, over all its conversations (a township office behind one NAT counts once).</summary>
    [Range(1, 1_000_000)] public int MessagesPerMinutePerClient { get; set; } = 300;
    /// <summary>Web chat conversations kept; idle ones beyond this are dropped, least recently used first.</summary>
    [Range(100, 10_000_000)] public int MaxConversations { get; set; } = 20_000;
    /// <summary>Minutes a web chat conversation nobody used is kept.</summary>
    [Range(5, 10_080)] public int ConversationIdleMinutes { get; set; } = 120;
    [Range(10, 100_000)] public int MaxActivitiesPerConversation { get; set; } = 200;
    [Range(16_384, 64 * 1024 * 1024)] public int MaxBytesPerConversation { get; set; } = 1024 * 1024;
    /// <summary>Entries each conversation may add per day to the unanswered and feedback logs staff read.</summary>
    [Range(1, 10_000)] public int StaffLogEntriesPerConversationPerDay { get; set; } = 30;

    public Channels.DirectLine.DirectLineLimits DirectLine =>
        new(MaxConversations, TimeSpan.FromMinutes(ConversationIdleMinutes), MaxActivitiesPerConversation, MaxBytesPerConversation);
}

/// <summary><c>Network__KnownProxies</c>: the reverse proxies (nginx) whose X-Forwarded-For is believed.</summary>
public sealed class NetworkOptions
{
    public const string Section = "Network";
    public List<string> KnownProxies { get; set; } = [];
}

public sealed class ConversationOptions
{
    public const string Section = "Conversation";
    [Range(0.0, 1.0)] public double ConfidenceThreshold { get; set; } = Conversation.EngineOptions.DefaultConfidenceThreshold;
    [Range(256, 65_536)] public int MaxMessageBytes { get; set; } = 4096;
    /// <summary>Messages a user may send per minute before getting the polite "slow down" reply.</summary>
    [Range(1, 10_000)] public int MessagesPerMinute { get; set; } = 30;
    /// <summary>Web chat token lifetime. Web Chat refreshes its token every 15 minutes, so a shorter life ends conversations.</summary>
    [Range(MinimumTokenMinutes, 1440, ErrorMessage = "Conversation:DirectLineTokenMinutes must be between 20 and 1440: Web Chat refreshes its token every 15 minutes")]
    public int DirectLineTokenMinutes { get; set; } = 30;

    public const int MinimumTokenMinutes = 20;
}

/// <summary><c>WebChat__AllowedOrigins__0=https://www.county.gov.cn</c>: pages on other origins that may embed the chat (CORS).</summary>
public sealed class WebChatOptions
{
    public const string Section = "WebChat";
    public List<string> AllowedOrigins { get; set; } = [];

    /// <summary>
    /// <c>WebChat__TokenKey</c>: base64 of 32 random bytes that signs web chat tokens. Instances that share a database
    /// must share it, so a token one minted verifies on the others; empty means <c>data/directline.key</c>.
    /// </summary>
    public string? TokenKey { get; set; }

    public const string InvalidTokenKey = "WebChat:TokenKey must be base64 of 32 random bytes (e.g. `openssl rand -base64 32`)";

    public bool TokenKeyIsValid() => string.IsNullOrWhiteSpace(TokenKey) || LegalBot.Cases.Privacy.AesGcmFieldProtector.IsValidKey(TokenKey);

    public const string InvalidOrigins = "WebChat:AllowedOrigins must be origins as browsers send them, such as https://www.example.gov.cn (no path, no trailing slash)";

    /// <summary>Each origin is scheme://host[:port] with nothing after it.</summary>
    public bool OriginsAreValid() => AllowedOrigins.All(o =>
        Uri.TryCreate(o, UriKind.Absolute, out var u) && u.Scheme is "https" or "http" && u.PathAndQuery == "/" && !o.EndsWith('/') && u.UserInfo.Length == 0);
}

/// <summary>
/// Staff API keys, stored hashed (<c>sha256:</c> + hex; <c>legalbot staff-key --office ID</c> makes one). A key's
/// office limits which cases it sees; office <c>*</c> is an administrator (all offices). Without any keys the
/// knowledge and log views answer on loopback only, and the case API is closed.
/// </summary>
public sealed class StaffOptions
{
    public const string Section = "Staff";
    public List<StaffKey> Keys { get; set; } = [];
}

public sealed class StaffKey
{
    public const string AllOffices = "*";
    [Required] public string Office { get; set; } = "";
    /// <summary>Shown in case history as who claimed or changed a case.</summary>
    [Required] public string Worker { get; set; } = "";
    [Required, RegularExpression("^sha256:[0-9a-f]{64}$", ErrorMessage = "Staff key hashes look like sha256:<64 lower-case hex digits>")]
    public string KeyHash { get; set; } = "";
}

/// <summary><c>Cases__*</c>: where intake cases are kept and how long personal data stays.</summary>
public sealed class CasesOptions
{
    public const string Section = "Cases";
    /// <summary>sqlite (default, under the data directory) or postgresql.</summary>
    [RegularExpression("^(sqlite|postgresql)$", ErrorMessage = "Cases:Database must be sqlite or postgresql")]
    public string Database { get; set; } = "sqlite";
    /// <summary>Npgsql connection string when Database is postgresql.</summary>
    public string? ConnectionString { get; set; }
    /// <summary>Base64 of 32 random bytes; empty means data/cases.key (created on first start, back it up).</summary>
    public string? EncryptionKey { get; set; }
    /// <summary>Days after a case is closed or referred before its personal data is erased.</summary>
    [Range(1, 3650)] public int RetentionDays { get; set; } = 365;
    /// <summary>Days conversation state (unfinished applications included) and staff logs are kept.</summary>
    [Range(1, 3650)] public int ConversationRetentionDays { get; set; } = 90;
}

/// <summary><c>Notifications__*</c>: delivery of new-case webhooks.</summary>
public sealed class NotificationOptions
{
    public const string Section = "Notifications";
    [Range(100, 60_000)] public int PollMilliseconds { get; set; } = 1000;
    [Range(1, 120)] public int TimeoutSeconds { get; set; } = 10;
    /// <summary>Retry delays double from 1 s up to this.</summary>
    [Range(1, 3600)] public int MaxBackoffSeconds { get; set; } = 300;
}
