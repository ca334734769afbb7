using System.Security.Cryptography;
using System.Text;
using LegalBot.Cases.Privacy;
using LegalBot.Channels.BotFramework;
using LegalBot.Channels.DirectLine;

namespace LegalBot.Channels.Tests;

/// <summary>Every Direct Line store behaves alike; the durable ones also keep streams across a reopen, encrypted.</summary>
public abstract class DirectLineStoreContract : IAsyncLifetime
{
    protected static readonly DateTimeOffset T0 = new(2026, 12, 1, 8, 0, 0, TimeSpan.Zero);
    protected static readonly DirectLineLimits Small = new(MaxConversations: 4, IdleTimeout: TimeSpan.FromMinutes(30), MaxActivitiesPerConversation: 3);
    protected AesGcmFieldProtector Protector { get; } = new(RandomNumberGenerator.GetBytes(32));
    private readonly List<object> _opened = [];

    /// <summary>A store over the same underlying data each time it is called (a reopen, or another instance).</summary>
    protected abstract Task<IDirectLineStore> CreateAsync(DirectLineLimits limits, IFieldProtector protector);

    protected abstract bool Durable { get; }

    private async Task<IDirectLineStore> OpenAsync(IFieldProtector? protector = null)
    {
        var store = await CreateAsync(Small, protector ?? Protector);
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

    protected static Activity Message(string text) => new() { Type = ActivityTypes.Message, Text = text };

    [Fact]
    public async Task Activities_are_numbered_in_order_and_read_after_a_watermark()
    {
        var store = await OpenAsync();
        var ids = await store.AppendAsync("c1", [Message("一"), Message("二")], T0, CancellationToken.None);
        Assert.Equal(["c1|0000000", "c1|0000001"], ids);
        Assert.Null(await store.ReadAsync("other", -1, T0, CancellationToken.None));
        var all = (await store.ReadAsync("c1", -1, T0, CancellationToken.None))!;
        Assert.Equal(["一", "二"], all.Activities.Select(a => a.Text));
        Assert.Equal(1, all.Watermark);
        var after = (await store.ReadAsync("c1", 0, T0, CancellationToken.None))!;
        Assert.Equal("二", Assert.Single(after.Activities).Text);
        Assert.Equal(1L, after.Activities[0].ChannelData!.Value.GetProperty("webchat:sequence-id").GetInt64());
    }

    [Fact]
    public async Task A_stream_keeps_its_newest_activities_within_the_cap()
    {
        var store = await OpenAsync();
        for (var i = 0; i < 5; i++) await store.AppendAsync("c1", [Message("第" + i)], T0, CancellationToken.None);
        var batch = (await store.ReadAsync("c1", -1, T0, CancellationToken.None))!;
        Assert.Equal(["第2", "第3", "第4"], batch.Activities.Select(a => a.Text));
        Assert.Equal(4, batch.Watermark);
    }

    [Fact]
    public async Task Idle_conversations_are_swept_and_the_cap_holds()
    {
        var store = await OpenAsync();
        await store.AppendAsync("old", [Message("早")], T0, CancellationToken.None);
        await store.AppendAsync("new", [Message("晚")], T0.AddMinutes(20), CancellationToken.None);
        Assert.Equal(1, await store.SweepAsync(T0.AddMinutes(40), CancellationToken.None));
        Assert.Null(await store.ReadAsync("old", -1, T0.AddMinutes(40), CancellationToken.None));
        for (var i = 0; i < 6; i++) await store.AppendAsync("c" + i, [Message("问")], T0.AddMinutes(41 + i), CancellationToken.None);
        Assert.True(await store.CountAsync(CancellationToken.None) <= Small.MaxConversations);
        Assert.NotNull(await store.ReadAsync("c5", -1, T0.AddMinutes(50), CancellationToken.None));
    }

    [Fact]
    public async Task Two_writers_at_once_never_share_a_number()
    {
        var a = await OpenAsync();
        var b = Durable ? await OpenAsync() : a;
        var writes = Enumerable.Range(0, 20).Select(i => (i % 2 == 0 ? a : b).AppendAsync("c1", [Message("并发" + i)], T0, CancellationToken.None));
        var ids = (await Task.WhenAll(writes)).SelectMany(x => x).ToList();
        Assert.Equal(20, ids.Distinct().Count());
        Assert.Equal(19, (await a.ReadAsync("c1", -1, T0, CancellationToken.None))!.Watermark);
    }

    [Fact]
    public async Task A_durable_stream_survives_a_reopen_and_its_numbers_keep_increasing()
    {
        if (!Durable) return;
        var first = await OpenAsync();
        await first.AppendAsync("c1", [Message("我叫张三，电话13812345678")], T0, CancellationToken.None);
        var second = await OpenAsync();
        Assert.Equal("我叫张三，电话13812345678", (await second.ReadAsync("c1", -1, T0, CancellationToken.None))!.Activities[0].Text);
        Assert.Equal(["c1|0000001"], await second.AppendAsync("c1", [Message("下一句")], T0, CancellationToken.None));
        // Another key cannot read it.
        var stranger = await OpenAsync(new AesGcmFieldProtector(RandomNumberGenerator.GetBytes(32)));
        await Assert.ThrowsAnyAsync<CryptographicException>(() => stranger.ReadAsync("c1", -1, T0, CancellationToken.None));
    }
}

public sealed class InMemoryDirectLineStoreTests : DirectLineStoreContract
{
    protected override bool Durable => false;

    protected override Task<IDirectLineStore> CreateAsync(DirectLineLimits limits, IFieldProtector protector) =>
        Task.FromResult<IDirectLineStore>(new InMemoryDirectLineStore(limits));
}

public sealed class SqliteDirectLineStoreTests : DirectLineStoreContract
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "legalbot-dl-" + Guid.NewGuid().ToString("N"));

    protected override bool Durable => true;

    protected override async Task<IDirectLineStore> CreateAsync(DirectLineLimits limits, IFieldProtector protector)
    {
        Directory.CreateDirectory(_folder);
        return await SqliteDirectLineStore.OpenAsync(Path.Combine(_folder, "directline.db"), protector, limits, CancellationToken.None);
    }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        if (Directory.Exists(_folder)) Directory.Delete(_folder, recursive: true);
    }

    [Fact]
    public async Task What_citizens_typed_is_encrypted_at_rest()
    {
        using (var store = (SqliteDirectLineStore)await CreateAsync(Small, Protector))
            await store.AppendAsync("c1", [Message("电话13812345678")], T0, CancellationToken.None);
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        var raw = Directory.EnumerateFiles(_folder).Select(File.ReadAllBytes).SelectMany(b => b).ToArray();
        Assert.DoesNotContain("13812345678", Encoding.UTF8.GetString(raw), StringComparison.Ordinal);
    }
}

/// <summary>Needs LEGALBOT_TEST_POSTGRES (tests/run.sh starts a throwaway server); each test gets its own schema.</summary>
[Trait("Category", "Postgres")]
public sealed class PostgresDirectLineStoreTests : DirectLineStoreContract
{
    private readonly string _schema = "dl_" + Guid.NewGuid().ToString("N");

    private static string Admin => Environment.GetEnvironmentVariable("LEGALBOT_TEST_POSTGRES")
        ?? throw new InvalidOperationException("LEGALBOT_TEST_POSTGRES is not set: run the tests with tests/run.sh, which starts PostgreSQL when it is installed");

    protected override bool Durable => true;

    public override async Task InitializeAsync() => await ExecuteAsync($"CREATE SCHEMA {_schema}");

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        await ExecuteAsync($"DROP SCHEMA IF EXISTS {_schema} CASCADE");
    }

    protected override Task<IDirectLineStore> CreateAsync(DirectLineLimits limits, IFieldProtector protector) =>
        Task.FromResult<IDirectLineStore>(new PostgresDirectLineStore(
            new Npgsql.NpgsqlConnectionStringBuilder(Admin) { SearchPath = _schema }.ConnectionString, protector, limits));

    private static async Task ExecuteAsync(string sql)
    {
        await using var c = new Npgsql.NpgsqlConnection(Admin);
        await c.OpenAsync();
        await using var cmd = new Npgsql.NpgsqlCommand(sql, c);
        await cmd.ExecuteNonQueryAsync();
    }
}
