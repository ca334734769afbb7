using System.Diagnostics;
using System.Security.Cryptography;
using LegalBot.Cases.Privacy;
using LegalBot.Conversation.State;
using LegalBot.Knowledge;
using LegalBot.Knowledge.Tests;

namespace LegalBot.Conversation.Tests;

/// <summary>
/// On the shared PostgreSQL every statement a turn sends is a network round trip on a pooled connection: a turn reads its
/// state once and writes everything (logs, state) in one batch. Counted with Npgsql's tracing (one activity per command or
/// batch executed), only for the commands this test's turn runs, so tests running meanwhile do not count.
/// Needs LEGALBOT_TEST_POSTGRES (tests/run.sh starts a throwaway server).
/// </summary>
[Trait("Category", "Postgres")]
public sealed class PostgresRoundTripTests : IAsyncLifetime
{
    private static readonly ActivitySource Turns = new("LegalBot.Tests.RoundTrips");
    private readonly string _schema = "rt_" + Guid.NewGuid().ToString("N");
    private readonly TempKnowledge _k = new();
    private KnowledgeBase _kb = null!;
    private PostgresConversationStore _store = null!;

    private static string Admin => Environment.GetEnvironmentVariable("LEGALBOT_TEST_POSTGRES")
        ?? throw new InvalidOperationException("LEGALBOT_TEST_POSTGRES is not set: run the tests with tests/run.sh, which starts PostgreSQL when it is installed");

    public async Task InitializeAsync()
    {
        GC.KeepAlive(Listener);
        await ExecuteAsync($"CREATE SCHEMA {_schema}");
        _k.Write("laws/示例法.md", Samples.Statute);
        _k.Write("guides/legal-aid.md", Samples.Guide);
        _kb = await KnowledgeBase.OpenAsync(_k.Folder, null);
        await _kb.RefreshAsync(CancellationToken.None);
        _store = new PostgresConversationStore(new Npgsql.NpgsqlConnectionStringBuilder(Admin) { SearchPath = _schema }.ConnectionString,
            new AesGcmFieldProtector(RandomNumberGenerator.GetBytes(32)));
    }

    public async Task DisposeAsync()
    {
        await _store.DisposeAsync();
        _kb.Dispose();
        _k.Dispose();
        await ExecuteAsync($"DROP SCHEMA IF EXISTS {_schema} CASCADE");
    }

    [Theory]
    [InlineData("哪些事项因经济困难可以申请法律援助？", ReplyKind.Answer)]
    [InlineData("今天星期几", ReplyKind.NotSure)]
    public async Task A_turn_is_one_state_read_and_one_write_batch(string question, ReplyKind kind)
    {
        var engine = new ConversationEngine(() => _kb.View, _store, EngineOptions.Default, TimeProvider.System);
        // The first turn creates the schema and opens the pool; the second is a turn like any later one.
        await engine.HandleAsync(new InboundMessage("c1", "u1", "test", "你好", null), CancellationToken.None);

        var (replies, statements) = await CountAsync(() => engine.HandleAsync(new InboundMessage("c1", "u1", "test", question, null), CancellationToken.None));

        Assert.Equal(kind, replies[0].Kind);
        Assert.Equal(2, statements.Count);
        Assert.StartsWith("SELECT state FROM cv_state", statements[0].Trim(), StringComparison.Ordinal);
        // The batch's log entry was written: the reply's feedback buttons find their answer, and the unanswered log has it.
        if (kind == ReplyKind.Answer) Assert.NotNull(await _store.GetAnswerAsync(replies[0].AnswerId!, CancellationToken.None));
        else Assert.Contains(await _store.ListUnansweredAsync(10, CancellationToken.None), q => q.Question == question);
        Assert.Equal(2, (await _store.GetStateAsync("c1", CancellationToken.None))!.Turns);
    }

    /// <summary>The Npgsql commands and batches <paramref name="turn"/> executes, by their statement text.</summary>
    private static async Task<(T Result, List<string> Statements)> CountAsync<T>(Func<Task<T>> turn)
    {
        var statements = new List<string>();
        T result;
        using (var parent = Turns.StartActivity("turn") ?? throw new InvalidOperationException("the test's activity was not sampled"))
        {
            Traced[parent.Id!] = statements;
            try { result = await turn(); }
            finally { Traced.TryRemove(parent.Id!, out _); }
        }
        lock (statements) return (result, [.. statements]);
    }

    // One listener for the whole run, registered before any Npgsql command: Npgsql decides when it starts a command whether
    // anyone listens. Each command is filed under the test turn it ran in.
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, List<string>> Traced = new();
    private static readonly ActivityListener Listener = Listen();

    private static ActivityListener Listen()
    {
        var listener = new ActivityListener
        {
            ShouldListenTo = s => s.Name is "Npgsql" || s.Name == Turns.Name,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = a =>
            {
                if (a.Source.Name != "Npgsql") return;
                for (var p = a.Parent; p is not null; p = p.Parent)
                    if (p.Source == Turns && Traced.TryGetValue(p.Id!, out var list))
                        lock (list) list.Add(a.GetTagItem("db.query.text") as string ?? a.GetTagItem("db.statement") as string ?? a.DisplayName);
            },
        };
        ActivitySource.AddActivityListener(listener);
        return listener;
    }

    private static async Task ExecuteAsync(string sql)
    {
        await using var c = new Npgsql.NpgsqlConnection(Admin);
        await c.OpenAsync();
        await using var cmd = new Npgsql.NpgsqlCommand(sql, c);
        await cmd.ExecuteNonQueryAsync();
    }
}
