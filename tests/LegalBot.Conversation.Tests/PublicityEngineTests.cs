using LegalBot.Conversation.Publicity;
using LegalBot.Conversation.State;
using LegalBot.Knowledge;
using LegalBot.Knowledge.Tests;

namespace LegalBot.Conversation.Tests;

public sealed class PublicityEngineTests : IAsyncLifetime
{
    private readonly TempKnowledge _k = new();
    private readonly Clock _clock = new(new DateTimeOffset(2026, 12, 3, 2, 0, 0, TimeSpan.Zero));
    private KnowledgeBase _kb = null!;
    private SqlPublicityStore _publicity = null!;
    private ConversationEngine _engine = null!;

    public async Task InitializeAsync()
    {
        _k.Write("laws/示例法.md", Samples.Statute);
        _k.Write("guides/legal-aid.md", Samples.Guide);
        _k.Write("campaigns/aid-week.md", PublicitySamples.Campaign);
        _k.Write("lessons/aid-free.md", PublicitySamples.CampaignLesson);
        _k.Write("lessons/aid-wages.md", PublicitySamples.SeasonLesson);
        _k.Write("quizzes/aid.md", PublicitySamples.Quiz());
        _kb = await KnowledgeBase.OpenAsync(_k.Folder, null);
        await _kb.RefreshAsync(CancellationToken.None);
        Directory.CreateDirectory(_k.Data);
        _publicity = await SqlPublicityStore.OpenSqliteAsync(Path.Combine(_k.Data, "publicity.db"), CancellationToken.None);
        var store = await SqliteConversationStore.OpenAsync(Path.Combine(_k.Data, "state.db"), CancellationToken.None);
        _engine = new ConversationEngine(() => _kb.View, store, EngineOptions.Default, _clock, publicity: new PublicityOptions(_publicity));
    }

    public async Task DisposeAsync()
    {
        await _publicity.DisposeAsync();
        _kb.Dispose();
        _k.Dispose();
    }

    private Task<IReadOnlyList<OutboundReply>> Say(string text, string conversation = "c1", string channel = "webchat") =>
        _engine.HandleAsync(new InboundMessage(conversation, channel + ":u-" + conversation, channel, text), CancellationToken.None);

    [Fact]
    public async Task Today_s_lesson_is_the_campaign_lesson_and_cites_its_article_from_the_statute()
    {
        var reply = Assert.Single(await Say("今日普法"));
        Assert.Equal(ReplyKind.Lesson, reply.Kind);
        Assert.StartsWith("【今日普法】法律援助不收费\n老王被拖欠工资", reply.Lead, StringComparison.Ordinal);
        Assert.Equal("《示例法》第二条：国家无偿提供法律服务的制度", reply.Quote);
        Assert.Equal("第二条", Assert.Single(reply.Citations).Location);
        Assert.Contains("法律援助宣传周", reply.Notes[0], StringComparison.Ordinal);
        Assert.Contains(reply.Actions, a => a.Value == PublicityTexts.Quiz);
        // 再来一课 gives the other lesson; the figures count both.
        Assert.StartsWith("【今日普法】讨薪可以申请法律援助", Assert.Single(await Say("再来一课")).Lead, StringComparison.Ordinal);
        var figures = await _publicity.FiguresAsync(_clock.GetUtcNow().AddDays(-1), _clock.GetUtcNow().AddDays(1), CancellationToken.None);
        Assert.Equal(2, figures.LessonsRead);
        Assert.Equal(1, figures.ByCampaign.Single(r => r.Key == "campaign-aid-week").LessonsRead);
    }

    [Fact]
    public async Task A_full_quiz_explains_each_answer_and_ends_with_a_score_in_the_campaign_figures()
    {
        var replies = await Say("学法答题");
        Assert.Contains("法律援助宣传周", replies[0].Lead, StringComparison.Ordinal);
        var question = replies[1];
        var correct = 0;
        for (var n = 1; n <= 5; n++)
        {
            Assert.Equal(ReplyKind.Quiz, question.Kind);
            Assert.StartsWith($"第 {n}/5 题：", question.Lead, StringComparison.Ordinal);
            Assert.Equal(3, question.Actions.Count);
            var id = int.Parse(System.Text.RegularExpressions.Regex.Match(question.Lead, @"（第(\d)问）").Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
            var right = question.Actions.Select((a, i) => (a, i)).Single(x => x.a.Title.EndsWith(PublicitySamples.RightOption(id), StringComparison.Ordinal)).i;
            // Odd questions answered right by letter, even ones wrong by number (as WeChat users reply).
            var answer = n % 2 == 1 ? question.Actions[right].Value.ToLowerInvariant() : ((right + 1) % 3 + 1).ToString(System.Globalization.CultureInfo.InvariantCulture);
            if (n % 2 == 1) correct++;
            replies = await Say(answer);
            var feedback = replies[0];
            Assert.StartsWith(n % 2 == 1 ? "回答正确" : "答错了，正确答案是", feedback.Lead, StringComparison.Ordinal);
            Assert.Contains("《示例法》第二条", feedback.Lead, StringComparison.Ordinal);
            Assert.Equal("第二条", Assert.Single(feedback.Citations).Location);
            question = replies[^1];
        }
        Assert.StartsWith($"答题结束：5 题答对 {correct} 题，得分 {correct * 20} 分", question.Lead, StringComparison.Ordinal);
        var figures = await _publicity.FiguresAsync(_clock.GetUtcNow().AddDays(-1), _clock.GetUtcNow().AddDays(1), CancellationToken.None);
        var row = figures.ByCampaign.Single(r => r.Key == "campaign-aid-week");
        Assert.Equal((1, 1, 60.0), (row.QuizzesTaken, row.Participants, row.AverageScore));

        // Opt in to the town board: nickname, then town.
        Assert.Equal(PublicityTexts.AskNickname, Assert.Single(await Say("参加排行榜")).Lead);
        Assert.Equal(PublicityTexts.AskTown, Assert.Single(await Say("学法小能手")).Lead);
        var board = await Say("城关镇");
        Assert.Equal(PublicityTexts.Joined("学法小能手", "城关镇"), board[0].Lead);
        Assert.Contains("1. 城关镇：1 人参加，平均 60 分，最高 学法小能手 60 分", board[1].Lead, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_question_during_a_quiz_is_answered_and_the_quiz_offered_again()
    {
        await Say("学法答题");
        var replies = await Say("哪些事项因经济困难可以申请法律援助？");
        Assert.Equal(ReplyKind.Answer, replies[0].Kind);
        Assert.Equal(PublicityTexts.QuizPaused, replies[^1].Lead);
        var again = Assert.Single(await Say("继续答题"));
        Assert.StartsWith("第 1/5 题：", again.Lead, StringComparison.Ordinal);
        Assert.Equal(PublicityTexts.QuizStopped, Assert.Single(await Say("结束答题")).Lead);
    }

    [Fact]
    public async Task A_web_chat_subscriber_gets_the_weekly_lesson_at_the_next_visit_and_nothing_after_opting_out()
    {
        Assert.Equal(PublicityTexts.Subscribed, Assert.Single(await Say("订阅每周普法")).Lead);
        Assert.DoesNotContain(await Say("你好"), r => r.Kind == ReplyKind.Lesson);
        _clock.Advance(TimeSpan.FromDays(7));
        var visit = await Say("你好");
        Assert.StartsWith("【每周普法】", visit[^1].Lead, StringComparison.Ordinal);
        Assert.DoesNotContain(await Say("你好"), r => r.Kind == ReplyKind.Lesson);
        Assert.Equal(PublicityTexts.Unsubscribed, Assert.Single(await Say("退订")).Lead);
        _clock.Advance(TimeSpan.FromDays(8));
        Assert.DoesNotContain(await Say("你好"), r => r.Kind == ReplyKind.Lesson);
    }

    [Fact]
    public async Task An_emergency_during_a_quiz_gets_the_emergency_reply_first()
    {
        await Say("学法答题");
        var replies = await Say("我被人砍了，现在流了很多血");
        Assert.Equal(ReplyKind.Emergency, replies[0].Kind);
    }

    private sealed class Clock(DateTimeOffset start) : TimeProvider
    {
        private DateTimeOffset _now = start;
        public override DateTimeOffset GetUtcNow() => _now;
        public void Advance(TimeSpan by) => _now += by;
    }
}
