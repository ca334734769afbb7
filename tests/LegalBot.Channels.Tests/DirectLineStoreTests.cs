using System.Security.Cryptography;
using System.Text;
using LegalBot.Cases.Privacy;
using LegalBot.Channels.BotFramework;
using LegalBot.Channels.DirectLine;

namespace LegalBot.Channels.Tests;

/// <summary>Both Direct Line stores behave alike; the SQLite one also keeps streams across a reopen, encrypted.</summary>
public sealed class DirectLineStoreTests : IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "legalbot-dl-" + Guid.NewGuid().ToString("N"));
    private readonly AesGcmFieldProtector _protector = new(RandomNumberGenerator.GetBytes(32));
    private static readonly DateTimeOffset T0 = new(2026, 12, 1, 8, 0, 0, TimeSpan.Zero);
    private static readonly DirectLineLimits Small = new(MaxConversations: 4, IdleTimeout: TimeSpan.FromMinutes(30), MaxActivitiesPerConversation: 3);

    public DirectLineStoreTests() => Directory.CreateDirectory(_folder);

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private string Db => Path.Combine(_folder, "directline.db");

    public static TheoryData<string> Kinds => ["memory", "sqlite"];

    private async Task<IDirectLineStore> OpenAsync(string kind, DirectLineLimits? limits = null) => kind == "memory"
        ? new InMemoryDirectLineStore(limits ?? Small)
        : await SqliteDirectLineStore.OpenAsync(Db, _protector, limits ?? Small, CancellationToken.None);

    private static Activity Message(string text) => new() { Type = ActivityTypes.Message, Text = text };

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task Activities_are_numbered_in_order_and_read_after_a_watermark(string kind)
    {
        var store = await OpenAsync(kind);
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

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task A_stream_keeps_its_newest_activities_within_the_cap(string kind)
    {
        var store = await OpenAsync(kind);
        for (var i = 0; i < 5; i++) await store.AppendAsync("c1", [Message("第" + i)], T0, CancellationToken.None);
        var batch = (await store.ReadAsync("c1", -1, T0, CancellationToken.None))!;
        Assert.Equal(["第2", "第3", "第4"], batch.Activities.Select(a => a.Text));
        Assert.Equal(4, batch.Watermark);
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task Idle_conversations_are_swept_and_the_cap_holds(string kind)
    {
        var store = await OpenAsync(kind);
        await store.AppendAsync("old", [Message("早")], T0, CancellationToken.None);
        await store.AppendAsync("new", [Message("晚")], T0.AddMinutes(20), CancellationToken.None);
        Assert.Equal(1, await store.SweepAsync(T0.AddMinutes(40), CancellationToken.None));
        Assert.Null(await store.ReadAsync("old", -1, T0.AddMinutes(40), CancellationToken.None));
        for (var i = 0; i < 6; i++) await store.AppendAsync("c" + i, [Message("问")], T0.AddMinutes(41 + i), CancellationToken.None);
        Assert.True(await store.CountAsync(CancellationToken.None) <= Small.MaxConversations);
        Assert.NotNull(await store.ReadAsync("c5", -1, T0.AddMinutes(50), CancellationToken.None));
    }

    [Fact]
    public async Task The_sqlite_stream_survives_a_reopen_and_its_numbers_keep_increasing()
    {
        using (var first = await SqliteDirectLineStore.OpenAsync(Db, _protector, Small, CancellationToken.None))
            await first.AppendAsync("c1", [Message("我叫张三，电话13812345678")], T0, CancellationToken.None);
        using var second = await SqliteDirectLineStore.OpenAsync(Db, _protector, Small, CancellationToken.None);
        Assert.Equal("我叫张三，电话13812345678", (await second.ReadAsync("c1", -1, T0, CancellationToken.None))!.Activities[0].Text);
        Assert.Equal(["c1|0000001"], await second.AppendAsync("c1", [Message("下一句")], T0, CancellationToken.None));
    }

    [Fact]
    public async Task What_citizens_typed_is_encrypted_at_rest()
    {
        using (var store = await SqliteDirectLineStore.OpenAsync(Db, _protector, Small, CancellationToken.None))
            await store.AppendAsync("c1", [Message("电话13812345678")], T0, CancellationToken.None);
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        var raw = Directory.EnumerateFiles(_folder).Select(File.ReadAllBytes).SelectMany(b => b).ToArray();
        Assert.DoesNotContain("13812345678", Encoding.UTF8.GetString(raw), StringComparison.Ordinal);
        // Another key cannot read it.
        using var other = await SqliteDirectLineStore.OpenAsync(Db, new AesGcmFieldProtector(RandomNumberGenerator.GetBytes(32)), Small, CancellationToken.None);
        await Assert.ThrowsAnyAsync<CryptographicException>(() => other.ReadAsync("c1", -1, T0, CancellationToken.None));
    }
}
