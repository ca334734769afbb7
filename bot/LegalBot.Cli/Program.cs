using System.Text;
using LegalBot.Cli;
using LegalBot.Cli.Commands;

Console.OutputEncoding = Encoding.UTF8;
using var cts = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) => { e.Cancel = true; cts.Cancel(); };
return await LegalBotCli.RunAsync(args, Console.Out, Console.Error, cts.Token);
