using System.Security.Cryptography;
using LegalBot.Cases;
using LegalBot.Cases.Privacy;
using LegalBot.Cases.Ratings;
using LegalBot.Cases.Statistics;
using LegalBot.Cases.Storage;
using LegalBot.Conversation.Ratings;
using LegalBot.Conversation.State;
using LegalBot.Knowledge;
using LegalBot.Knowledge.Tests;

namespace LegalBot.Conversation.Tests;

/// <summary>好差评 through the engine: the request at the next visit, levels by button, digit or words, the comment, and nothing blocked.</summary>
public sealed class RatingHandlerTests : IAsyncLifetime
{
    private readonly TempKnowledge _k = new();
    private readonly IFieldProtector _protector = new AesGcmFieldProtector(RandomNumberGenerator.GetBytes(32));
    private readonly Clock _time = new(new DateTimeOffset(2026, 12, 3, 2, 0, 0, TimeSpan.Zero));
    private KnowledgeBase _kb = null!;
    private SqliteCaseDatabase _db = null!;
    private SqlCaseStore _cases = null!;
    private SqlRatingStore _ratings = null!;
    private ConversationEngine _engine = null!;

    public async Task InitializeAsync()
    {
        _k.Write("laws/示例法.md", Samples.Statute);
        _k.Write("guides/legal-aid.md", Samples.Guide);
        _kb = await KnowledgeBase.OpenAsync(_k.Folder, null);
        await _kb.RefreshAsync(CancellationToken.None);
        _db = new SqliteCaseDatabase(Path.Combine(_k.Data, "cases.db"));
        _cases = await SqlCaseStore.OpenAsync(_db, _protector, _time, default);
        _ratings = await SqlRatingStore.OpenAsync(_db, _protector, default);
        _engine = new ConversationEngine(() => _kb.View, new InMemoryConversationStore(), EngineOptions.Default, _time,
            ratings: new RatingHandler(_ratings, RatingOptions.Default));
    }

    public async Task DisposeAsync()
    {
        await _db.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        _kb.Dispose();
        _k.Dispose();
    }

    private async Task<string> ClosedCaseAsync(string conversation = "c1")
    {
        var c = (await _cases.CreateAsync(new NewCase("k-" + conversation, CaseKind.LegalAid, "office-a", "示例县法律援助中心", "示例县/城关镇",
            new Applicant("张三", "13812345678", "欠薪"), new Dictionary<string, string>(), _time.GetUtcNow(), "v1", conversation, "test", null), default)).Case;
        await _cases.ChangeStatusAsync(c.Reference, CaseStatus.Claimed, "w", null, default);
        var closed = await _cases.CloseAsync(c.Reference, "w", null, null, default);
        await _ratings.RequestAsync(closed, _time.GetUtcNow(), default);
        return c.Reference;
    }

    private Task<IReadOnlyList<OutboundReply>> SayAsync(string text, string conversation = "c1") =>
        _engine.HandleAsync(new InboundMessage(conversation, "u1", "test", text), CancellationToken.None);

    [Fact]
    public async Task A_legal_question_at_the_next_visit_is_answered_with_the_request_first_then_a_button_rates_and_a_comment_follows()
    {
        var reference = await ClosedCaseAsync();
        var visit = await SayAsync("哪些事项因经济困难可以申请法律援助？");
        Assert.Equal(RatingHandler.Route, visit[0].Route);
        Assert.Contains(reference, visit[0].Lead, StringComparison.Ordinal);
        Assert.Equal(["非常满意", "满意", "基本满意", "不满意", "非常不满意"], visit[0].Actions.Select(a => a.Title));
        Assert.Contains(visit, r => r.Kind == ReplyKind.Answer);

        var rated = Assert.Single(await SayAsync("不满意"));
        Assert.Contains("将有工作人员回访", rated.Lead, StringComparison.Ordinal);
        Assert.Equal("跳过", Assert.Single(rated.Actions).Title);
        var thanks = Assert.Single(await SayAsync("办理速度太慢，希望改进"));
        Assert.Equal(RatingTexts.ThanksWithComment, thanks.Lead);
        var r = (await _ratings.GetAsync(reference, default))!;
        Assert.Equal((RatingLevel.Dissatisfied, "办理速度太慢，希望改进", CommentState.Done, FollowUpStatus.Pending), (r.Level!.Value, r.Comment, r.CommentState, r.FollowUp!.Value));
    }

    [Fact]
    public async Task A_digit_picks_the_numbered_level_and_skip_leaves_no_comment()
    {
        var reference = await ClosedCaseAsync();
        await SayAsync("你好");
        var rated = Assert.Single(await SayAsync("２"));
        Assert.Contains("满意", rated.Lead, StringComparison.Ordinal);
        Assert.Equal(RatingTexts.ThanksNoComment, Assert.Single(await SayAsync("跳过")).Lead);
        var r = (await _ratings.GetAsync(reference, default))!;
        Assert.Equal((RatingLevel.Satisfied, null, CommentState.Done), (r.Level!.Value, r.Comment, r.CommentState));
    }

    [Fact]
    public async Task Words_in_a_short_reply_give_the_level_and_a_second_answer_does_not_count_again()
    {
        var reference = await ClosedCaseAsync();
        await SayAsync("你好");
        await SayAsync("我觉得基本满意");
        Assert.Equal(RatingTexts.AlreadyRated, Assert.Single(await SayAsync("非常满意")).Lead);
        await SayAsync("跳过");
        var after = await SayAsync("非常不满意");
        Assert.DoesNotContain(after, x => x.Route == RatingHandler.Route);
        Assert.Equal(RatingLevel.BasicallySatisfied, (await _ratings.GetAsync(reference, default))!.Level);
        Assert.Single(await _ratings.ListRatedAsync(new RatingQuery(), default));
    }

    [Theory]
    [InlineData("非常不满意", RatingLevel.VeryDissatisfied)]
    [InlineData("非常满意！", RatingLevel.VerySatisfied)]
    [InlineData("不满意", RatingLevel.Dissatisfied)]
    [InlineData("5", RatingLevel.VeryDissatisfied)]
    [InlineData("１", RatingLevel.VerySatisfied)]
    public void Levels_are_read_from_words_and_digits(string text, RatingLevel level) => Assert.Equal(level, RatingHandler.Level(text));

    [Theory]
    [InlineData("6")]
    [InlineData("我对老板拖欠工资的处理结果不满意想再申请仲裁怎么办")]
    [InlineData("离婚")]
    public void Other_messages_are_no_level(string text) => Assert.Null(RatingHandler.Level(text));

    [Fact]
    public async Task A_question_while_pending_is_answered_and_the_request_stays_open_without_repeating_every_turn()
    {
        var reference = await ClosedCaseAsync();
        await SayAsync("你好");
        var answer = await SayAsync("申请法律援助的条件是什么");
        Assert.Contains(answer, r => r.Kind == ReplyKind.Answer);
        Assert.DoesNotContain(answer, r => r.Route == RatingHandler.Route);
        Assert.Null((await _ratings.GetAsync(reference, default))!.Level);

        _time.Advance(TimeSpan.FromDays(2));
        Assert.Equal(RatingHandler.Route, (await SayAsync("你好"))[0].Route);
        await SayAsync("满意");
        Assert.Equal(RatingLevel.Satisfied, (await _ratings.GetAsync(reference, default))!.Level);
    }

    [Fact]
    public async Task An_emergency_gets_110_first_and_no_request()
    {
        var reference = await ClosedCaseAsync();
        var replies = await SayAsync("有人拿刀威胁我");
        Assert.Equal(ReplyKind.Emergency, replies[0].Kind);
        Assert.DoesNotContain(replies, r => r.Route == RatingHandler.Route);
        Assert.Null((await _ratings.GetAsync(reference, default))!.ShownAt);
    }

    [Fact]
    public async Task A_level_typed_before_any_request_was_shown_is_not_a_rating()
    {
        var reference = await ClosedCaseAsync();
        await _ratings.RequestAsync((await _cases.GetAsync(reference, default))!, _time.GetUtcNow(), default);
        var replies = await SayAsync("满意", "someone-else");
        Assert.DoesNotContain(replies, r => r.Route == RatingHandler.Route);
        Assert.Null((await _ratings.GetAsync(reference, default))!.Level);
    }

    private sealed class Clock(DateTimeOffset start) : TimeProvider
    {
        private DateTimeOffset _now = start;
        public override DateTimeOffset GetUtcNow() => _now;
        public void Advance(TimeSpan by) => _now += by;
    }
}
