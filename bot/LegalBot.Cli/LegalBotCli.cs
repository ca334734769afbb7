using LegalBot.Cli.Commands;

namespace LegalBot.Cli;

/// <summary>Entry point of the <c>legalbot</c> command; writers are parameters so tests can run it in-process.</summary>
public static class LegalBotCli
{
    public const int Ok = 0;
    public const int ProblemsFound = 1;
    public const int UsageError = 2;
    public const int Failure = 3;

    private const string Usage = """
        usage: legalbot VERB [options]
          index --knowledge DIR [--data DIR] [--rebuild]
                                                       build or update the index; prints counts, changes and time
                                                       (--rebuild: Qdrant only, a fresh collection switched in by alias)
          check DIR                                    validate a knowledge folder; prints path:line: message
          import FILE… [--knowledge DIR] [--dry-run] [--overwrite]
                                                       convert .md/.docx/.pdf/.xlsx into knowledge files, check them
                                                       and write them (--dry-run: print what would be written)
          ask --knowledge DIR [--top N] "问题"          show the best articles/sections for a question
          eval --knowledge DIR --questions FILE [--json] [--split NAME] [--depth K]
                                                       retrieval metrics for a JSONL question set
                                                       (--depth: also hit@K, the recall a reranker can work with)
          bench --knowledge DIR [--questions FILE] [--scale N] [--keep DIR]
                                                       index and query timings, peak memory (--scale: an N× corpus)
          staff-key --office ID|* [--worker NAME] [--knowledge DIR] [--env FILE | --index N]
                                                       a new staff API key and its hashed configuration entry; the office
                                                       must be in DIR/offices; --env appends it at the next free index
          purge [--data DIR] [--retention-days N] [--conversation-days N]
                                                       erase personal data past the retention period
        common: --synonyms FILE (default DIR/synonyms.txt), --data DIR (persist the index there)
        backend (index/ask/eval; default from Index__Backend, Qdrant__*, Embeddings__*, Rerank__* variables):
                --backend embedded|qdrant --qdrant-url URL --qdrant-collection ALIAS --qdrant-api-key KEY
                --embed-url URL --embed-model NAME --embed-dims N --embed-key KEY
                --rerank-url URL --rerank-model NAME --rerank-key KEY --rerank-depth N
        """;

    public static async Task<int> RunAsync(IReadOnlyList<string> args, TextWriter stdout, TextWriter stderr, CancellationToken cancellationToken)
    {
        if (args.Count == 0 || args[0] is "-h" or "--help" or "help")
        {
            await stdout.WriteLineAsync(Usage).ConfigureAwait(false);
            return args.Count == 0 ? UsageError : Ok;
        }
        try
        {
            var rest = args.Skip(1).ToList();
            return args[0] switch
            {
                "index" => await IndexCommand.RunAsync(new CliArguments(rest, Flags("rebuild")), stdout, stderr, cancellationToken).ConfigureAwait(false),
                "check" => await CheckCommand.RunAsync(new CliArguments(rest, Flags()), stdout, stderr, cancellationToken).ConfigureAwait(false),
                "import" => await ImportCommand.RunAsync(new CliArguments(rest, Flags("dry-run", "overwrite")), stdout, stderr, cancellationToken).ConfigureAwait(false),
                "ask" => await AskCommand.RunAsync(new CliArguments(rest, Flags()), stdout, stderr, cancellationToken).ConfigureAwait(false),
                "eval" => await EvalCommand.RunAsync(new CliArguments(rest, Flags("json", "misses", "verbose")), stdout, stderr, cancellationToken).ConfigureAwait(false),
                "staff-key" => await StaffKeyCommand.RunAsync(new CliArguments(rest, Flags()), stdout, stderr, cancellationToken).ConfigureAwait(false),
                "purge" => await PurgeCommand.RunAsync(new CliArguments(rest, Flags()), stdout, cancellationToken).ConfigureAwait(false),
                "bench" => await BenchCommand.RunAsync(new CliArguments(rest, Flags()), stdout, stderr, cancellationToken).ConfigureAwait(false),
                _ => throw new UsageException($"unknown verb '{args[0]}'"),
            };
        }
        catch (UsageException ex)
        {
            await stderr.WriteLineAsync($"legalbot: {ex.Message}\n\n{Usage}").ConfigureAwait(false);
            return UsageError;
        }
        catch (OperationCanceledException)
        {
            await stderr.WriteLineAsync("legalbot: cancelled").ConfigureAwait(false);
            return Failure;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or FormatException or ArgumentException or System.Data.Common.DbException
            or LegalBot.Knowledge.Index.Qdrant.QdrantException or LegalBot.Knowledge.Embeddings.EmbeddingException)
        {
            // Operator-facing errors: a message, never a stack trace.
            await stderr.WriteLineAsync($"legalbot: {ex.Message}").ConfigureAwait(false);
            return Failure;
        }
    }

    private static HashSet<string> Flags(params string[] names) => new(names, StringComparer.Ordinal);
}
