using System.Security.Cryptography;
using LegalBot.Cases;
using LegalBot.Cases.Privacy;
using LegalBot.Cases.Ratings;
using LegalBot.Cases.Statistics;
using LegalBot.Cases.Storage;
using LegalBot.Channels.Publicity;
using LegalBot.Channels.Ratings;
using LegalBot.Channels.WeChat;
using LegalBot.Conversation.Ratings;
using LegalBot.Conversation.State;
using LegalBot.Knowledge.Tests;
using Microsoft.Extensions.Logging.Abstractions;
using Moq;

namespace LegalBot.Channels.Tests;

/// <summary>The 好差评 request of a closed case pushed to WeChat citizens inside the 48-hour window.</summary>
public sealed class RatingPushTests : IAsyncLifetime
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 3, 2, 0, 0, TimeSpan.Zero);
    private readonly TempKnowledge _k = new();
    private readonly ManualClock _clock = new(T0);
    private readonly List<(string User, string Text)> _sent = [];
    private readonly InMemoryConversationStore _conversations = new();
    private readonly IFieldProtector _protector = new AesGcmFieldProtector(RandomNumberGenerator.GetBytes(32));
    private SqliteCaseDatabase _db = null!;
    private SqlCaseStore _cases = null!;
    private SqlRatingStore _ratings = null!;

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(_k.Data);
        _db = new SqliteCaseDatabase(Path.Combine(_k.Data, "cases.db"));
        _cases = await SqlCaseStore.OpenAsync(_db, _protector, _clock, CancellationToken.None);
        _ratings = await SqlRatingStore.OpenAsync(_db, _protector, CancellationToken.None);
    }

    public async Task DisposeAsync()
    {
        await _db.DisposeAsync();
        _k.Dispose();
    }

    private RatingPush Push(IWeChatSender? sender = null)
    {
        return new RatingPush(_ratings, _conversations, new Dictionary<string, IWeChatSender> { ["wechat"] = sender ?? RecordingSender.Into(_sent) },
            _clock, WeeklyLessonPush.MaxWindow, RatingOptions.Default, NullLogger.Instance);
    }

    private async Task<string> ClosedCaseAsync(string openId, DateTimeOffset lastMessage)
    {
        var conversation = "wechat:" + openId;
        await _conversations.SaveStateAsync(ConversationState.New(conversation, lastMessage), CancellationToken.None);
        var c = (await _cases.CreateAsync(new NewCase("k-" + openId, CaseKind.LegalAid, "office-a", "示例县法律援助中心", "示例县/城关镇",
            new Applicant("张三", "13812345678", "欠薪"), new Dictionary<string, string>(), T0.AddDays(-3), "v1", conversation, "wechat", null), default)).Case;
        await _cases.ChangeStatusAsync(c.Reference, CaseStatus.Claimed, "w", null, default);
        var closed = await _cases.CloseAsync(c.Reference, "w", null, null, default);
        await _ratings.RequestAsync(closed, T0, default);
        return c.Reference;
    }

    [Fact]
    public async Task A_citizen_who_wrote_within_48_hours_gets_the_request_once_and_can_answer_with_a_digit()
    {
        var active = await ClosedCaseAsync("oActive", T0.AddHours(-20));
        var silent = await ClosedCaseAsync("oSilent", T0.AddHours(-49));
        var push = Push();

        Assert.Equal(1, await push.RunOnceAsync(CancellationToken.None));
        var (user, text) = Assert.Single(_sent);
        Assert.Equal("oActive", user);
        Assert.Contains(active, text, StringComparison.Ordinal);
        Assert.Contains("非常满意", text, StringComparison.Ordinal);
        Assert.Equal(0, await push.RunOnceAsync(CancellationToken.None));

        // The pushed request counts as shown; its five levels are the numbered offer a bare "2" picks.
        Assert.NotNull((await _ratings.GetAsync(active, default))!.ShownAt);
        var state = await _conversations.GetStateAsync("wechat:oActive", CancellationToken.None);
        Assert.Equal(5, state!.Offered!.Count);
        Assert.Equal(T0.AddHours(-20), state.UpdatedAt);
        var picked = NumberedOptions.Resolve(new Conversation.InboundMessage("wechat:oActive", "wechat:oActive", "wechat", "2"), state.Offered);
        Assert.Equal(RatingLevel.Satisfied, RatingHandler.Level(picked.Text!));

        // Outside the window: left for the next visit.
        Assert.Null((await _ratings.GetAsync(silent, default))!.ShownAt);
    }

    [Fact]
    public async Task A_failed_send_is_not_retried_by_the_push_and_two_instances_send_once()
    {
        var failing = new Mock<IWeChatSender>();
        failing.Setup(s => s.SendTextAsync(It.IsAny<string>(), It.IsAny<string>(), It.IsAny<CancellationToken>())).ThrowsAsync(new HttpRequestException("down"));
        await ClosedCaseAsync("oFail", T0.AddHours(-1));
        Assert.Equal(0, await Push(failing.Object).RunOnceAsync(CancellationToken.None));
        Assert.Equal(0, await Push().RunOnceAsync(CancellationToken.None));
        Assert.Empty(_sent);

        await ClosedCaseAsync("oTwice", T0.AddHours(-1));
        var counts = await Task.WhenAll(Push().RunOnceAsync(CancellationToken.None), Push().RunOnceAsync(CancellationToken.None));
        Assert.Equal(1, counts.Sum());
        Assert.Single(_sent);
    }
}
