using LegalBot.Cases.Storage;
using LegalBot.Conversation.State;

namespace LegalBot.Cli.Commands;

/// <summary>
/// <c>legalbot purge</c>: erases personal data of closed/referred cases past the retention period and deletes old
/// conversation state and logs — what the service also does daily. Reads the same settings as the service
/// (<c>Cases__Database</c>, <c>Cases__ConnectionString</c>, <c>Cases__EncryptionKey</c>) from the environment.
/// </summary>
internal static class PurgeCommand
{
    public static async Task<int> RunAsync(CliArguments args, TextWriter stdout, CancellationToken ct)
    {
        args.EnsureOnly("data", "retention-days", "conversation-days");
        var data = args.Get("data") ?? "data";
        var caseDays = Days(args.Get("retention-days") ?? Environment.GetEnvironmentVariable("Cases__RetentionDays") ?? "365");
        var conversationDays = Days(args.Get("conversation-days") ?? Environment.GetEnvironmentVariable("Cases__ConversationRetentionDays") ?? "90");
        var settings = new CaseStorageSettings(data, Environment.GetEnvironmentVariable("Cases__Database") ?? CaseStorageSettings.Sqlite,
            Environment.GetEnvironmentVariable("Cases__ConnectionString"), Environment.GetEnvironmentVariable("Cases__EncryptionKey"));
        var now = DateTimeOffset.UtcNow;
        await using var storage = await CaseStorage.OpenAsync(settings, TimeProvider.System, ct).ConfigureAwait(false);
        var cases = await storage.Store.PurgeAsync(now.AddDays(-caseDays), ct).ConfigureAwait(false);
        var rows = 0;
        var conversations = Path.Combine(data, "conversations.db");
        if (File.Exists(conversations))
        {
            using var store = await SqliteConversationStore.OpenAsync(conversations, ct, storage.Protector).ConfigureAwait(false);
            rows = await store.PurgeAsync(now.AddDays(-conversationDays), ct).ConfigureAwait(false);
        }
        await stdout.WriteLineAsync($"purged: personal data of {cases} finished case(s) older than {caseDays} days; {rows} conversation record(s) older than {conversationDays} days").ConfigureAwait(false);
        return LegalBotCli.Ok;
    }

    private static int Days(string text) =>
        int.TryParse(text, out var d) && d is >= 1 and <= 3650 ? d : throw new UsageException($"retention must be 1–3650 days, not '{text}'");
}
