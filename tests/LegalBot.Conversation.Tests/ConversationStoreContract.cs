using System.Security.Cryptography;
using LegalBot.Cases.Privacy;
using LegalBot.Conversation.Intake;
using LegalBot.Conversation.State;

namespace LegalBot.Conversation.Tests;

/// <summary>Every durable conversation store keeps the same things, the same way: dialogs encrypted, questions masked, logs capped.</summary>
public abstract class ConversationStoreContract : IAsyncLifetime
{
    protected static readonly DateTimeOffset T0 = new(2026, 12, 1, 8, 0, 0, TimeSpan.Zero);
    protected AesGcmFieldProtector Protector { get; } = new(RandomNumberGenerator.GetBytes(32));
    private readonly List<IConversationStore> _opened = [];

    /// <summary>A store over the same data each call (a restart, or another instance), capping logs at 2 per conversation and day.</summary>
    protected abstract Task<IConversationStore> CreateAsync(IFieldProtector protector);

    /// <summary>Every stored value as text, to prove what is not in it.</summary>
    protected abstract Task<string> RawAsync();

    protected async Task<IConversationStore> OpenAsync()
    {
        var store = await CreateAsync(Protector);
        _opened.Add(store);
        return store;
    }

    public virtual Task InitializeAsync() => Task.CompletedTask;

    public virtual async Task DisposeAsync()
    {
        foreach (var store in _opened)
        {
            if (store is IAsyncDisposable a) await a.DisposeAsync();
            else (store as IDisposable)?.Dispose();
        }
    }

    private static DialogState Dialog() => new("legal-aid", "mobile", new Dictionary<string, string> { ["name"] = "张三丰", ["mobile"] = "13812345678" }, false, [], "key-1");

    [Fact]
    public async Task A_dialog_continues_from_another_instance_and_is_encrypted_at_rest()
    {
        var a = await OpenAsync();
        var state = ConversationState.New("c1", T0) with { LastQuestion = "我的电话13812345678", Turns = 3, Dialog = Dialog() };
        await a.SaveStateAsync(state, CancellationToken.None);

        var b = await OpenAsync();
        var read = await b.GetStateAsync("c1", CancellationToken.None);
        Assert.NotNull(read);
        Assert.Equal(3, read.Turns);
        Assert.Equal("张三丰", read.Dialog!.Fields["name"]);
        Assert.DoesNotContain("13812345678", read.LastQuestion, StringComparison.Ordinal);
        var raw = await RawAsync();
        Assert.DoesNotContain("张三丰", raw, StringComparison.Ordinal);
        Assert.DoesNotContain("13812345678", raw, StringComparison.Ordinal);
        Assert.Null(await b.GetStateAsync("c2", CancellationToken.None));
    }

    [Fact]
    public async Task A_state_is_replaced_not_duplicated()
    {
        var store = await OpenAsync();
        await store.SaveStateAsync(ConversationState.New("c1", T0) with { Turns = 1 }, CancellationToken.None);
        await store.SaveStateAsync(ConversationState.New("c1", T0.AddMinutes(1)) with { Turns = 2 }, CancellationToken.None);
        Assert.Equal(2, (await store.GetStateAsync("c1", CancellationToken.None))!.Turns);
    }

    [Fact]
    public async Task A_turns_log_entries_and_state_are_saved_together_masked_and_capped()
    {
        var store = await OpenAsync();
        var writes = new TurnWrites();
        writes.Add(new AnswerRecord("a1", "c1", "webchat", "押金13812345678不退", "consult", ["matter-lease-deposit"], 0.8, T0));
        for (var i = 0; i < 3; i++) writes.Add(new UnansweredQuestion("c1", "webchat", $"问题{i} 电话13812345678", 0.1, null, T0.AddMinutes(i)));
        await store.SaveTurnAsync(ConversationState.New("c1", T0) with { Turns = 4, Dialog = Dialog() }, writes, CancellationToken.None);

        var other = await OpenAsync();
        Assert.Equal(4, (await other.GetStateAsync("c1", CancellationToken.None))!.Turns);
        Assert.DoesNotContain("13812345678", (await other.GetAnswerAsync("a1", CancellationToken.None))!.Question, StringComparison.Ordinal);
        // Capped at 2 per conversation and day within one turn's batch too.
        Assert.Equal(["问题1", "问题0"], (await other.ListUnansweredAsync(10, CancellationToken.None)).Select(q => q.Question.Split(' ')[0]).ToArray());
        Assert.DoesNotContain("张三丰", await RawAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Logs_are_masked_newest_first_and_capped_per_conversation_and_day()
    {
        var store = await OpenAsync();
        for (var i = 0; i < 4; i++)
            await store.LogUnansweredAsync(new UnansweredQuestion("c1", "webchat", $"问题{i} 电话13812345678", 0.1, null, T0.AddMinutes(i)), CancellationToken.None);
        await store.LogUnansweredAsync(new UnansweredQuestion("c2", "wechat", "另一个人的问题", 0.2, "guide-x", T0.AddMinutes(9)), CancellationToken.None);
        var listed = await store.ListUnansweredAsync(10, CancellationToken.None);
        Assert.Equal(["另一个人的问题", "问题1", "问题0"], listed.Select(q => q.Question.Split(' ')[0]).ToArray());
        Assert.All(listed, q => Assert.DoesNotContain("13812345678", q.Question, StringComparison.Ordinal));
        Assert.Equal("guide-x", listed[0].BestSource);

        var answer = new AnswerRecord("a1", "c1", "webchat", "押金13812345678不退", "consult", ["matter-lease-deposit"], 0.8, T0);
        await store.RecordAnswerAsync(answer, CancellationToken.None);
        var got = await store.GetAnswerAsync("a1", CancellationToken.None);
        Assert.Equal(["matter-lease-deposit"], got!.Sources);
        Assert.Equal(T0, got.CreatedAt);
        Assert.DoesNotContain("13812345678", got.Question, StringComparison.Ordinal);

        await store.RecordFeedbackAsync(new FeedbackRecord("a1", "c1", false, answer.Question, answer.Sources, T0.AddMinutes(1)), CancellationToken.None);
        var feedback = Assert.Single(await store.ListFeedbackAsync(10, CancellationToken.None));
        Assert.False(feedback.Helpful);
    }

    [Fact]
    public async Task A_clarified_question_is_told_apart_from_an_unanswered_one_after_a_reopen()
    {
        var store = await OpenAsync();
        await store.LogUnansweredAsync(new UnansweredQuestion("c1", "webchat", "不知道", 0.1, null, T0), CancellationToken.None);
        await store.LogUnansweredAsync(new UnansweredQuestion("c2", "webchat", "反问了", 0.6, "matter-x#matter", T0.AddMinutes(1)) { Clarified = true },
            CancellationToken.None);
        var listed = await (await OpenAsync()).ListUnansweredAsync(10, CancellationToken.None);
        Assert.Equal([("反问了", true), ("不知道", false)], listed.Select(q => (q.Question, q.Clarified)).ToArray());
    }

    [Fact]
    public async Task Purge_removes_what_is_older_than_the_cutoff()
    {
        var store = await OpenAsync();
        await store.SaveStateAsync(ConversationState.New("old", T0.AddDays(-40)), CancellationToken.None);
        await store.SaveStateAsync(ConversationState.New("new", T0), CancellationToken.None);
        await store.LogUnansweredAsync(new UnansweredQuestion("old", "webchat", "旧问题", 0.1, null, T0.AddDays(-40)), CancellationToken.None);
        Assert.Equal(2, await store.PurgeAsync(T0.AddDays(-30), CancellationToken.None));
        Assert.Null(await store.GetStateAsync("old", CancellationToken.None));
        Assert.NotNull(await store.GetStateAsync("new", CancellationToken.None));
        Assert.Empty(await store.ListUnansweredAsync(10, CancellationToken.None));
    }
}

public sealed class SqliteConversationStoreTests : ConversationStoreContract
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "legalbot-cv-" + Guid.NewGuid().ToString("N"));

    protected override async Task<IConversationStore> CreateAsync(IFieldProtector protector)
    {
        Directory.CreateDirectory(_folder);
        return await SqliteConversationStore.OpenAsync(Path.Combine(_folder, "conversations.db"), CancellationToken.None, protector, logEntriesPerDay: 2);
    }

    protected override Task<string> RawAsync()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        return Task.FromResult(string.Concat(Directory.EnumerateFiles(_folder).Select(f => System.Text.Encoding.UTF8.GetString(File.ReadAllBytes(f)))));
    }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        if (Directory.Exists(_folder)) Directory.Delete(_folder, recursive: true);
    }
}

/// <summary>Needs LEGALBOT_TEST_POSTGRES (tests/run.sh starts a throwaway server); each test gets its own schema.</summary>
[Trait("Category", "Postgres")]
public sealed class PostgresConversationStoreTests : ConversationStoreContract
{
    private readonly string _schema = "cv_" + Guid.NewGuid().ToString("N");

    private static string Admin => Environment.GetEnvironmentVariable("LEGALBOT_TEST_POSTGRES")
        ?? throw new InvalidOperationException("LEGALBOT_TEST_POSTGRES is not set: run the tests with tests/run.sh, which starts PostgreSQL when it is installed");

    private string Connection => new Npgsql.NpgsqlConnectionStringBuilder(Admin) { SearchPath = _schema }.ConnectionString;

    public override async Task InitializeAsync() => await ExecuteAsync(Admin, $"CREATE SCHEMA {_schema}");

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        await ExecuteAsync(Admin, $"DROP SCHEMA IF EXISTS {_schema} CASCADE");
    }

    protected override Task<IConversationStore> CreateAsync(IFieldProtector protector) =>
        Task.FromResult<IConversationStore>(new PostgresConversationStore(Connection, protector, logEntriesPerDay: 2));

    protected override async Task<string> RawAsync()
    {
        var text = new System.Text.StringBuilder();
        await using var c = new Npgsql.NpgsqlConnection(Connection);
        await c.OpenAsync();
        foreach (var table in new[] { "cv_state", "cv_answers", "cv_unanswered", "cv_feedback" })
        {
            await using var cmd = new Npgsql.NpgsqlCommand($"SELECT t::text FROM {table} t", c);
            await using var r = await cmd.ExecuteReaderAsync();
            while (await r.ReadAsync()) text.AppendLine(r.GetString(0));
        }
        return text.ToString();
    }

    [Fact]
    public async Task Instances_starting_together_create_the_schema_once()
    {
        var stores = Enumerable.Range(0, 4).Select(_ => new PostgresConversationStore(Connection, Protector)).ToList();
        await Task.WhenAll(stores.Select(s => s.GetStateAsync("x", CancellationToken.None)));
        foreach (var s in stores) await s.DisposeAsync();
    }

    private static async Task ExecuteAsync(string connection, string sql)
    {
        await using var c = new Npgsql.NpgsqlConnection(connection);
        await c.OpenAsync();
        await using var cmd = new Npgsql.NpgsqlCommand(sql, c);
        await cmd.ExecuteNonQueryAsync();
    }
}
