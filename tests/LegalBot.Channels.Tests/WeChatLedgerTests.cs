using System.Security.Cryptography;
using LegalBot.Cases.Privacy;
using LegalBot.Channels.WeChat;

namespace LegalBot.Channels.Tests;

/// <summary>The delivery ledger's promises, for the single-instance one and the shared one.</summary>
public abstract class WeChatLedgerContract : IAsyncLifetime
{
    protected ManualClock Clock { get; } = new(new DateTimeOffset(2026, 12, 1, 8, 0, 0, TimeSpan.Zero));
    private readonly List<IWeChatDeliveryLedger> _opened = [];

    /// <summary>One instance's view of the ledger; calls return views of the same ledger.</summary>
    protected abstract IWeChatDeliveryLedger Create();

    protected IWeChatDeliveryLedger Open()
    {
        var ledger = Create();
        _opened.Add(ledger);
        return ledger;
    }

    public virtual Task InitializeAsync() => Task.CompletedTask;

    public virtual async Task DisposeAsync()
    {
        foreach (var l in _opened) if (l is IAsyncDisposable a) await a.DisposeAsync();
    }

    [Fact]
    public async Task One_producer_one_claim_and_the_answer_is_readable()
    {
        var ledger = Open();
        Assert.True(await ledger.TryBeginAsync("wechat:m1", CancellationToken.None));
        Assert.False(await ledger.TryBeginAsync("wechat:m1", CancellationToken.None));
        Assert.Null(await ledger.GetOutcomeAsync("wechat:m1", CancellationToken.None));
        await ledger.CompleteAsync("wechat:m1", WeChatOutcome.Text("答复：工资可以申请劳动仲裁"), CancellationToken.None);
        var outcome = await ledger.GetOutcomeAsync("wechat:m1", CancellationToken.None);
        Assert.Equal("答复：工资可以申请劳动仲裁", outcome!.Message);
        Assert.Equal(["答复：工资可以申请劳动仲裁"], outcome.Parts);
        var claims = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => ledger.TryClaimAsync("wechat:m1", CancellationToken.None)));
        Assert.Equal(1, claims.Count(c => c));
    }

    [Fact]
    public async Task A_signature_carries_one_body_only()
    {
        var ledger = Open();
        var body = SHA256.HashData("<xml>a</xml>"u8);
        Assert.True(await ledger.AcceptSignatureAsync("1700000000", "n1", body, CancellationToken.None));
        Assert.True(await ledger.AcceptSignatureAsync("1700000000", "n1", body, CancellationToken.None));
        Assert.False(await ledger.AcceptSignatureAsync("1700000000", "n1", SHA256.HashData("<xml>b</xml>"u8), CancellationToken.None));
    }

    [Fact]
    public async Task Sweeping_forgets_old_messages()
    {
        var ledger = Open();
        Assert.True(await ledger.TryBeginAsync("wechat:old", CancellationToken.None));
        Clock.Advance(TimeSpan.FromMinutes(10));
        Assert.True(await ledger.SweepAsync(Clock.GetUtcNow() - TimeSpan.FromMinutes(5), CancellationToken.None) >= 1);
        Assert.True(await ledger.TryBeginAsync("wechat:old", CancellationToken.None));
    }
}

public sealed class InMemoryWeChatLedgerTests : WeChatLedgerContract
{
    private InMemoryWeChatLedger? _ledger;

    protected override IWeChatDeliveryLedger Create() => _ledger ??= new InMemoryWeChatLedger(Clock, TimeSpan.FromMinutes(5));
}

/// <summary>Needs LEGALBOT_TEST_POSTGRES (tests/run.sh starts a throwaway server); each test gets its own schema.</summary>
[Trait("Category", "Postgres")]
public sealed class PostgresWeChatLedgerTests : WeChatLedgerContract
{
    private static readonly TimeSpan Lease = TimeSpan.FromSeconds(6);
    private readonly string _schema = "wx_" + Guid.NewGuid().ToString("N");
    private readonly AesGcmFieldProtector _protector = new(RandomNumberGenerator.GetBytes(32));

    private static string Admin => Environment.GetEnvironmentVariable("LEGALBOT_TEST_POSTGRES")
        ?? throw new InvalidOperationException("LEGALBOT_TEST_POSTGRES is not set: run the tests with tests/run.sh, which starts PostgreSQL when it is installed");

    private string Connection => new Npgsql.NpgsqlConnectionStringBuilder(Admin) { SearchPath = _schema }.ConnectionString;

    protected override IWeChatDeliveryLedger Create() => new PostgresWeChatLedger(Connection, _protector, Clock, Lease);

    public override async Task InitializeAsync() => await ExecuteAsync($"CREATE SCHEMA {_schema}");

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        await ExecuteAsync($"DROP SCHEMA IF EXISTS {_schema} CASCADE");
    }

    [Fact]
    public async Task Two_instances_racing_for_a_message_make_one_producer()
    {
        var a = Open();
        var b = Open();
        var begun = await Task.WhenAll(Enumerable.Range(0, 8).Select(i => (i % 2 == 0 ? a : b).TryBeginAsync("wechat:m2", CancellationToken.None)));
        Assert.Equal(1, begun.Count(x => x));
    }

    [Fact]
    public async Task A_producer_that_stops_renewing_is_taken_over_but_a_renewing_one_is_not()
    {
        var a = Open();
        var b = Open();
        Assert.True(await a.TryBeginAsync("wechat:m3", CancellationToken.None));
        Clock.Advance(Lease - TimeSpan.FromSeconds(1));
        await a.RenewAsync("wechat:m3", CancellationToken.None);
        Clock.Advance(TimeSpan.FromSeconds(3));
        Assert.False(await b.TryBeginAsync("wechat:m3", CancellationToken.None));

        // a dies: no more renewals.
        Clock.Advance(Lease);
        Assert.True(await b.TryBeginAsync("wechat:m3", CancellationToken.None));
        Assert.False(await a.TryBeginAsync("wechat:m3", CancellationToken.None));

        // An answered message is never produced again, however old its lease.
        await b.CompleteAsync("wechat:m3", WeChatOutcome.Text("答复"), CancellationToken.None);
        Clock.Advance(Lease * 3);
        Assert.False(await a.TryBeginAsync("wechat:m3", CancellationToken.None));
    }

    [Fact]
    public async Task Answers_are_encrypted_at_rest()
    {
        var ledger = Open();
        await ledger.TryBeginAsync("wechat:m4", CancellationToken.None);
        await ledger.CompleteAsync("wechat:m4", WeChatOutcome.Text("您的手机13812345678已登记"), CancellationToken.None);
        await using var c = new Npgsql.NpgsqlConnection(Connection);
        await c.OpenAsync();
        await using var cmd = new Npgsql.NpgsqlCommand("SELECT outcome FROM wx_deliveries", c);
        Assert.DoesNotContain("13812345678", (string)(await cmd.ExecuteScalarAsync())!, StringComparison.Ordinal);
    }

    private static async Task ExecuteAsync(string sql)
    {
        await using var c = new Npgsql.NpgsqlConnection(Admin);
        await c.OpenAsync();
        await using var cmd = new Npgsql.NpgsqlCommand(sql, c);
        await cmd.ExecuteNonQueryAsync();
    }
}

/// <summary>Wall-clock time the test moves by hand; timestamps follow it.</summary>
public sealed class ManualClock(DateTimeOffset start) : TimeProvider
{
    private DateTimeOffset _now = start;
    public override DateTimeOffset GetUtcNow() => _now;
    public override long GetTimestamp() => _now.UtcTicks;
    public override long TimestampFrequency => TimeSpan.TicksPerSecond;
    public void Advance(TimeSpan by) => _now += by;
}
