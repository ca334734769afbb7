using System.Diagnostics;
using System.Security.Cryptography;
using LegalBot.Cases;
using LegalBot.Cases.Activity;
using LegalBot.Cases.Privacy;
using LegalBot.Cases.Ratings;
using LegalBot.Cases.Statistics;
using LegalBot.Cases.Storage;
using LegalBot.Conversation.Publicity;
using LegalBot.Conversation.Ratings;
using LegalBot.Conversation.State;
using LegalBot.Knowledge;
using LegalBot.Knowledge.Tests;

namespace LegalBot.Conversation.Tests;

/// <summary>
/// On the shared PostgreSQL every statement a turn sends is a network round trip on a pooled connection: a turn reads its
/// state and its open 好差评 request in one batch, and writes everything (logs, consultation record, 普法 matter count,
/// state) in one batch. Counted with Npgsql's tracing (one activity per command or batch executed), only for the commands
/// this test's turn runs, so tests running meanwhile do not count. The stores are wired as the service wires them with
/// <c>Data__Shared=true</c>: cases, ratings, consultations, 普法 and conversations in one database.
/// Needs LEGALBOT_TEST_POSTGRES (tests/run.sh starts a throwaway server).
/// </summary>
[Trait("Category", "Postgres")]
public sealed class PostgresRoundTripTests : IAsyncLifetime
{
    private static readonly ActivitySource Turns = new("LegalBot.Tests.RoundTrips");
    private readonly string _schema = "rt_" + Guid.NewGuid().ToString("N");
    private readonly TempKnowledge _k = new();
    private readonly IFieldProtector _protector = new AesGcmFieldProtector(RandomNumberGenerator.GetBytes(32));
    private KnowledgeBase _kb = null!;
    private PostgresConversationStore _store = null!;
    private PostgresCaseDatabase _cases = null!;
    private SqlCaseStore _caseStore = null!;
    private SqlRatingStore _ratings = null!;
    private SqlActivityStore _activity = null!;
    private SqlPublicityStore _publicity = null!;
    private ConversationEngine _engine = null!;

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
        // One connection string for every store, as DataStores gives them Cases:ConnectionString.
        var cs = new Npgsql.NpgsqlConnectionStringBuilder(Admin) { SearchPath = _schema }.ConnectionString;
        _cases = new PostgresCaseDatabase(cs);
        _caseStore = await SqlCaseStore.OpenAsync(_cases, _protector, TimeProvider.System, default);
        _ratings = await SqlRatingStore.OpenAsync(_cases, _protector, default);
        _activity = SqlActivityStore.OpenPostgres(cs);
        _publicity = SqlPublicityStore.OpenPostgres(cs);
        _store = new PostgresConversationStore(cs, _protector, keepsTurnRecords: true);
        _engine = new ConversationEngine(() => _kb.View, _store, EngineOptions.Default, TimeProvider.System,
            publicity: new PublicityOptions(_publicity), ratings: new RatingHandler(_ratings, RatingOptions.Default));
    }

    public async Task DisposeAsync()
    {
        await _store.DisposeAsync();
        await _activity.DisposeAsync();
        await _publicity.DisposeAsync();
        await _cases.DisposeAsync();
        _kb.Dispose();
        _k.Dispose();
        await ExecuteAsync($"DROP SCHEMA IF EXISTS {_schema} CASCADE");
    }

    private Task<IReadOnlyList<OutboundReply>> SayAsync(string text, string conversation = "c1") =>
        _engine.HandleAsync(new InboundMessage(conversation, "u1", "test", text, null), CancellationToken.None);

    [Theory]
    [InlineData("哪些事项因经济困难可以申请法律援助？", ReplyKind.Answer, ConsultationOutcome.Answered)]
    [InlineData("今天星期几", ReplyKind.NotSure, ConsultationOutcome.Unanswered)]
    public async Task A_turn_is_one_read_batch_and_one_write_batch(string question, ReplyKind kind, ConsultationOutcome outcome)
    {
        Assert.True(_engine.RecordsConsultations);
        // The first turn creates the schema and opens the pool; the second is a turn like any later one.
        await SayAsync("你好");

        var (replies, statements) = await CountAsync(() => SayAsync(question));

        Assert.Equal(kind, replies[0].Kind);
        Assert.Equal(2, statements.Count);
        Assert.Contains("FROM cv_state", statements[0], StringComparison.Ordinal);
        Assert.Contains("FROM case_ratings", statements[0], StringComparison.Ordinal);
        Assert.Contains("INSERT INTO consultations", statements[1], StringComparison.Ordinal);
        // The batch's log entry was written: the reply's feedback buttons find their answer, and the unanswered log has it.
        if (kind == ReplyKind.Answer) Assert.NotNull(await _store.GetAnswerAsync(replies[0].AnswerId!, CancellationToken.None));
        else Assert.Contains(await _store.ListUnansweredAsync(10, CancellationToken.None), q => q.Question == question);
        Assert.Equal(2, (await _store.GetStateAsync("c1", CancellationToken.None))!.Turns);
        // 咨询人次: the greeting is no consultation, the question is one, written with the turn.
        var counted = await _activity.ListAsync(DateTimeOffset.UtcNow.AddHours(-1), DateTimeOffset.UtcNow.AddHours(1), CancellationToken.None);
        Assert.Equal(outcome, Assert.Single(counted).Outcome);
    }

    [Fact]
    public async Task A_matter_answered_is_counted_for_publicity_in_the_write_batch()
    {
        // The county's own knowledge folder, for its matters.
        using var kb = await KnowledgeBase.OpenAsync(Path.Combine(TestPaths.RepoRoot, "knowledge"), null);
        await kb.RefreshAsync(CancellationToken.None);
        var engine = new ConversationEngine(() => kb.View, _store, EngineOptions.Default, TimeProvider.System,
            publicity: new PublicityOptions(_publicity), ratings: new RatingHandler(_ratings, RatingOptions.Default));
        await engine.HandleAsync(new InboundMessage("c3", "u3", "test", "你好", null), CancellationToken.None);

        var (replies, statements) = await CountAsync(() => engine.HandleAsync(new InboundMessage("c3", "u3", "test", "老板拖欠工资三个月不给怎么办", null), CancellationToken.None));

        Assert.Equal(ReplyKind.Answer, replies[0].Kind);
        Assert.Equal(2, statements.Count);
        Assert.Contains("INSERT INTO pb_matters", statements[1], StringComparison.Ordinal);
        var asked = await _publicity.MattersAskedAsync(DateTimeOffset.UtcNow.AddHours(-1), DateTimeOffset.UtcNow.AddHours(1), CancellationToken.None);
        Assert.StartsWith("matter-labour-", Assert.Single(asked).MatterId, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_pending_rating_is_found_by_the_read_batch_and_answered()
    {
        await SayAsync("你好", "c2");
        var c = (await _caseStore.CreateAsync(new NewCase("k-c2", CaseKind.LegalAid, "office-a", "示例县法律援助中心", "示例县/城关镇",
            new Applicant("张三", "13812345678", "欠薪"), new Dictionary<string, string>(), DateTimeOffset.UtcNow, "v1", "c2", "test", null), default)).Case;
        await _caseStore.ChangeStatusAsync(c.Reference, CaseStatus.Claimed, "w", null, default);
        Assert.True(await _ratings.RequestAsync(await _caseStore.CloseAsync(c.Reference, "w", null, null, default), DateTimeOffset.UtcNow, default));

        var (visit, statements) = await CountAsync(() => SayAsync("你好", "c2"));

        Assert.Equal(RatingHandler.Route, visit[0].Route);
        // The read batch, the request marked shown (only on the turn that shows it), the write batch.
        Assert.Equal(3, statements.Count);
        Assert.Contains("FROM case_ratings", statements[0], StringComparison.Ordinal);
        Assert.Equal(RatingHandler.Route, (await SayAsync("非常满意", "c2"))[0].Route);
        Assert.Equal(RatingLevel.VerySatisfied, (await _ratings.GetAsync(c.Reference, default))!.Level);
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
