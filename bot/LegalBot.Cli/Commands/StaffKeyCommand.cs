using System.Text.RegularExpressions;
using LegalBot.Cases.Privacy;
using LegalBot.Knowledge.Index;
using LegalBot.Knowledge.Offices;

namespace LegalBot.Cli.Commands;

/// <summary>
/// <c>legalbot staff-key --office ID --worker NAME [--knowledge DIR] [--env FILE | --index N]</c>: a new staff API key
/// and the hashed configuration entry for it. The office must be one of the folder's offices (or <c>*</c> for all),
/// so a mistyped id cannot leave a worker with an empty desk; the entry takes the next free index of the env file
/// (appended there) or of this process's environment, so a second worker never overwrites the first.
/// </summary>
internal static partial class StaffKeyCommand
{
    public const string AllOffices = "*";

    public static async Task<int> RunAsync(CliArguments args, TextWriter stdout, TextWriter stderr, CancellationToken ct)
    {
        args.EnsureOnly("office", "worker", "index", "knowledge", "env");
        var officeId = args.Require("office");
        var worker = args.Get("worker") ?? officeId;
        var folder = args.Get("knowledge") ?? "knowledge";

        string officeName;
        if (officeId == AllOffices) officeName = "全部机构";
        else
        {
            if (!Directory.Exists(folder))
            {
                await stderr.WriteLineAsync($"error: knowledge folder not found: {folder} (give --knowledge DIR, where the offices/ are)").ConfigureAwait(false);
                return LegalBotCli.UsageError;
            }
            var (documents, _, _) = await KnowledgeFolderIndexer.ParseAllAsync(folder, ct).ConfigureAwait(false);
            var directory = OfficeDirectory.FromDocuments(documents.Select(d => d.Info));
            if (directory.Get(officeId) is not { } office)
            {
                await stderr.WriteLineAsync($"error: no office '{officeId}' in {folder}; the offices are:\n" +
                    string.Join('\n', directory.Offices.Select(o => $"  {o.Id}  {o.Name}").Append($"  {AllOffices}  (all offices)"))).ConfigureAwait(false);
                return LegalBotCli.UsageError;
            }
            officeName = office.Name;
        }

        var envFile = args.Get("env");
        var existing = envFile is not null && File.Exists(envFile) ? await File.ReadAllTextAsync(envFile, ct).ConfigureAwait(false) : null;
        int index;
        if (args.Get("index") is { } given)
        {
            if (!int.TryParse(given, out index) || index < 0)
            {
                await stderr.WriteLineAsync($"error: --index must be a number from 0, not '{given}'").ConfigureAwait(false);
                return LegalBotCli.UsageError;
            }
            var taken = UsedIndexes(existing ?? EnvironmentText());
            if (taken.Contains(index))
            {
                await stderr.WriteLineAsync($"error: Staff__Keys__{index} is already configured; the next free index is {NextFree(taken)}").ConfigureAwait(false);
                return LegalBotCli.UsageError;
            }
        }
        else index = NextFree(UsedIndexes(existing ?? EnvironmentText()));

        var key = ApiKeys.NewKey();
        var entry = $"Staff__Keys__{index}__Office={officeId}\nStaff__Keys__{index}__Worker={worker}\nStaff__Keys__{index}__KeyHash={ApiKeys.Hash(key)}\n";
        await stdout.WriteLineAsync($"key for {worker} ({officeName}); give it to the worker, it is not stored anywhere: {key}\n").ConfigureAwait(false);
        if (envFile is not null)
        {
            var separator = existing is { Length: > 0 } && !existing.EndsWith('\n') ? "\n" : "";
            await File.AppendAllTextAsync(envFile, separator + entry, ct).ConfigureAwait(false);
            await stdout.WriteLineAsync($"added to {envFile} as Staff__Keys__{index} (restart the service to apply)").ConfigureAwait(false);
        }
        else
        {
            await stdout.WriteLineAsync("configuration (environment variables):\n" + string.Join('\n', entry.TrimEnd().Split('\n').Select(l => "  " + l))).ConfigureAwait(false);
            await stdout.WriteLineAsync($"\nfor the next worker use --index {index + 1}, or --env FILE to append to your env file").ConfigureAwait(false);
        }
        return LegalBotCli.Ok;
    }

    private static string EnvironmentText() =>
        string.Join('\n', Environment.GetEnvironmentVariables().Keys.Cast<string>().Select(k => k + "="));

    private static HashSet<int> UsedIndexes(string text) =>
        EntryIndex().Matches(text).Select(m => int.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture)).ToHashSet();

    private static int NextFree(HashSet<int> taken)
    {
        var i = 0;
        while (taken.Contains(i)) i++;
        return i;
    }

    [GeneratedRegex(@"(?m)^\s*(?:export\s+)?Staff__Keys__(\d+)__", RegexOptions.IgnoreCase)]
    private static partial Regex EntryIndex();
}
