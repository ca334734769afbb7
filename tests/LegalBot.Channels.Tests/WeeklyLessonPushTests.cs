using LegalBot.Channels.Publicity;
using LegalBot.Channels.WeChat;
using LegalBot.Conversation.Publicity;
using LegalBot.Conversation.State;
using LegalBot.Knowledge;
using LegalBot.Knowledge.Tests;
using Microsoft.Extensions.Logging.Abstractions;
using Moq;

namespace LegalBot.Channels.Tests;

public sealed class WeeklyLessonPushTests : IAsyncLifetime
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 3, 2, 0, 0, TimeSpan.Zero);
    private readonly TempKnowledge _k = new();
    private readonly ManualClock _clock = new(T0);
    private readonly List<(string User, string Text)> _sent = [];
    private KnowledgeBase _kb = null!;
    private SqlPublicityStore _store = null!;
    private InMemoryConversationStore _conversations = null!;

    public async Task InitializeAsync()
    {
        _k.Write("laws/示例法.md", Samples.Statute);
        _k.Write("campaigns/aid-week.md", PublicitySamples.Campaign);
        _k.Write("lessons/aid-free.md", PublicitySamples.CampaignLesson);
        _k.Write("lessons/aid-wages.md", PublicitySamples.SeasonLesson);
        _kb = await KnowledgeBase.OpenAsync(_k.Folder, null);
        await _kb.RefreshAsync(CancellationToken.None);
        Directory.CreateDirectory(_k.Data);
        _store = await SqlPublicityStore.OpenSqliteAsync(Path.Combine(_k.Data, "publicity.db"), CancellationToken.None);
        _conversations = new InMemoryConversationStore();
    }

    public async Task DisposeAsync()
    {
        await _store.DisposeAsync();
        _kb.Dispose();
        _k.Dispose();
    }

    private WeeklyLessonPush Push(IWeChatSender? sender = null)
    {
        return new WeeklyLessonPush(_store, _conversations, () => _kb.View, new Dictionary<string, IWeChatSender> { ["wechat"] = sender ?? RecordingSender.Into(_sent) },
            _clock, TimeSpan.FromDays(7), WeeklyLessonPush.MaxWindow, NullLogger.Instance);
    }

    private Task SubscribeAsync(string openId, DateTimeOffset at) =>
        _store.SubscribeAsync(new Subscriber("wechat:" + openId, "wechat:" + openId, "wechat", at, at), CancellationToken.None);

    [Fact]
    public async Task A_subscriber_who_wrote_within_48_hours_gets_one_lesson_a_week_and_nothing_after_48_hours_of_silence()
    {
        await SubscribeAsync("oActive", T0);
        await SubscribeAsync("oSilent", T0.AddHours(-49));
        var push = Push();
        Assert.Equal(1, await push.RunOnceAsync(CancellationToken.None));
        var (user, text) = Assert.Single(_sent);
        Assert.Equal("oActive", user);
        Assert.StartsWith("【每周普法】法律援助不收费", text, StringComparison.Ordinal);
        Assert.Contains("《示例法》第二条", text, StringComparison.Ordinal);

        // Within the week: nothing more. A week later the citizen has been silent for 7 days: still nothing.
        Assert.Equal(0, await push.RunOnceAsync(CancellationToken.None));
        _clock.Advance(TimeSpan.FromDays(7));
        Assert.Equal(0, await push.RunOnceAsync(CancellationToken.None));

        // They write again: the window opens, and the next lesson is a new one (the state remembers the first).
        await _store.TouchAsync("wechat:oActive", _clock.GetUtcNow(), CancellationToken.None);
        Assert.Equal(1, await push.RunOnceAsync(CancellationToken.None));
        Assert.StartsWith("【每周普法】讨薪可以申请法律援助", _sent[^1].Text, StringComparison.Ordinal);
        Assert.DoesNotContain(_sent, s => s.User == "oSilent");
    }

    [Fact]
    public async Task Two_instances_pushing_at_once_send_one_lesson()
    {
        await SubscribeAsync("oActive", T0);
        var sent = await Task.WhenAll(Push().RunOnceAsync(CancellationToken.None), Push().RunOnceAsync(CancellationToken.None));
        Assert.Equal(1, sent.Sum());
        Assert.Single(_sent);
    }

    [Fact]
    public async Task A_failed_send_is_not_retried_within_the_week()
    {
        await SubscribeAsync("oActive", T0);
        var failing = new Mock<IWeChatSender>();
        failing.Setup(s => s.SendTextAsync(It.IsAny<string>(), It.IsAny<string>(), It.IsAny<CancellationToken>()))
            .ThrowsAsync(new WeChatApiException(45015, "response out of time limit"));
        Assert.Equal(0, await Push(failing.Object).RunOnceAsync(CancellationToken.None));
        Assert.Equal(0, await Push().RunOnceAsync(CancellationToken.None));
        Assert.Empty(_sent);
    }
}
