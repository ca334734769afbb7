using LegalBot.Cases.Privacy;

namespace LegalBot.Cli.Commands;

/// <summary><c>legalbot staff-key --office ID --worker NAME</c>: a new staff API key and the hashed configuration entry for it.</summary>
internal static class StaffKeyCommand
{
    public static async Task<int> RunAsync(CliArguments args, TextWriter stdout)
    {
        args.EnsureOnly("office", "worker", "index");
        var office = args.Require("office");
        var worker = args.Get("worker") ?? office;
        var index = args.Get("index") ?? "0";
        var key = ApiKeys.NewKey();
        await stdout.WriteLineAsync($"""
            key (give it to the worker; it is not stored anywhere): {key}

            configuration (environment variables):
              Staff__Keys__{index}__Office={office}
              Staff__Keys__{index}__Worker={worker}
              Staff__Keys__{index}__KeyHash={ApiKeys.Hash(key)}
            """).ConfigureAwait(false);
        return LegalBotCli.Ok;
    }
}
