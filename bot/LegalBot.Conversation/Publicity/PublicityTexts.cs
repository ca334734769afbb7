namespace LegalBot.Conversation.Publicity;

/// <summary>Every Chinese sentence of 普法 (lessons, quizzes, leaderboards, subscriptions), in one place.</summary>
public static class PublicityTexts
{
    // What citizens type (or a menu key / button sends).
    public static readonly IReadOnlyList<string> LessonCommands = ["今日普法", "每日普法", "普法", "学法", "普法课", "普法小课堂"];
    public static readonly IReadOnlyList<string> AnotherLessonCommands = ["再来一课", "换一课", "下一课"];
    public static readonly IReadOnlyList<string> QuizCommands = ["学法答题", "普法答题", "答题", "法律知识答题", "知识竞答"];
    public static readonly IReadOnlyList<string> ContinueQuizCommands = ["继续答题"];
    public static readonly IReadOnlyList<string> StopQuizCommands = ["结束答题", "不答了", "退出答题"];
    public static readonly IReadOnlyList<string> LeaderboardCommands = ["排行榜", "答题排行榜", "查看排行榜"];
    public static readonly IReadOnlyList<string> JoinCommands = ["参加排行榜", "上榜"];
    public static readonly IReadOnlyList<string> SubscribeCommands = ["订阅普法", "订阅每周普法", "每周普法"];
    public static readonly IReadOnlyList<string> UnsubscribeCommands = ["退订", "退订普法", "取消订阅", "取消普法订阅"];

    public const string TodayLesson = "今日普法";
    public const string AnotherLesson = "再来一课";
    public const string Quiz = "学法答题";
    public const string ContinueQuiz = "继续答题";
    public const string StopQuiz = "结束答题";
    public const string Leaderboard = "排行榜";
    public const string Join = "参加排行榜";
    public const string Subscribe = "订阅每周普法";

    public static string LessonLead(string title) => $"【今日普法】{title}";
    public static string WeeklyLessonLead(string title) => $"【每周普法】{title}";
    public const string NoLessons = "普法课程正在准备中，您可以先问我遇到的法律问题。";
    public static string CampaignLine(string campaign) => $"正值「{campaign}」，欢迎参加学法答题。";
    public const string LessonBasis = "依据：";

    public const string NoQuiz = "答题题库正在准备中，您可以先看看「今日普法」。";
    public static string QuizStart(int count, string? campaign) =>
        (campaign is null ? "" : $"「{campaign}」学法答题，") + $"共 {count} 题，选出正确答案即可。";
    public static string QuestionLead(int number, int count, string question) => $"第 {number}/{count} 题：{question}";
    public const string AnswerHint = "点选答案，或回复选项的字母（如 A）。";
    public static string Right(string letter) => $"回答正确！答案是 {letter}。";
    public static string Wrong(string letter, string text) => $"答错了，正确答案是 {letter}：{text}。";
    public static string Score(int correct, int total) =>
        $"答题结束：{total} 题答对 {correct} 题，得分 {correct * 100 / Math.Max(total, 1)} 分。" + (correct == total ? "全部答对，真棒！" : "再接再厉！");
    public const string QuizPaused = "学法答题还没有做完，回复「继续答题」接着答，回复「结束答题」结束。";
    public const string QuizStopped = "好的，答题已结束。想再来一次，回复「学法答题」。";

    public static string JoinOffer(string campaign) => $"要把成绩登上「{campaign}」乡镇排行榜吗？只需要一个昵称和您所在的乡镇（街道），不需要姓名和电话。";
    public const string AskNickname = "请告诉我一个昵称（不要写真实姓名，不超过 12 个字）：";
    public const string BadNickname = "昵称请写 1 到 12 个字，不要写电话号码。";
    public const string AskTown = "您在哪个乡镇（街道）？";
    public const string BadTown = "请写乡镇或街道的名称，不超过 20 个字。";
    public static string Joined(string nickname, string town) => $"已登上排行榜：{town} · {nickname}。";
    public static string LeaderboardLead(string campaign) => $"「{campaign}」学法答题乡镇排行榜：";
    public static string LeaderboardLine(int rank, LeaderboardRow row) =>
        $"{rank}. {row.Town}：{row.Participants} 人参加，平均 {row.AverageScore:0.#} 分，最高 {row.TopNickname} {row.TopScore} 分";
    public const string LeaderboardEmpty = "排行榜还没有人上榜，答完题就可以参加。";
    public const string NoCampaign = "现在没有正在进行的普法活动，您可以随时「学法答题」。";

    public const string Subscribed = "已为您订阅「每周普法」：每周推送一篇普法小课。回复「退订」随时取消。";
    public const string SubscribedWeChat = "已为您订阅「每周普法」：每周推送一篇普法小课（按微信规则，只在您最近 48 小时内给我们发过消息时推送）。回复「退订」随时取消。";
    public const string AlreadySubscribed = "您已订阅「每周普法」。回复「退订」可以取消。";
    public const string Unsubscribed = "已为您退订「每周普法」，不会再推送。想再订阅，回复「订阅每周普法」。";
    public const string NotSubscribed = "您没有订阅「每周普法」。";
    public const string ConsentText = "订阅每周普法";
}
