namespace LegalBot.Channels.WeChat;

/// <summary>Every Chinese sentence the WeChat and WeCom channels add to the engine's replies, in one place.</summary>
public static class WeChatTexts
{
    public const string Subscribed = "感谢关注！";
    public const string VoiceNotRecognised = "抱歉，这条语音我没有听清。请用文字把您的问题发给我，比如“老板拖欠工资怎么办”。";
    public const string UnsupportedMessage = "抱歉，我暂时只能看懂文字消息。请用文字描述您的问题；需要人工帮助可拨打 12348 公共法律服务热线。";
    public const string UnknownMenu = "这个菜单暂时没有内容，请直接输入您的问题。";
    public const string Failed = "抱歉，系统暂时出了点问题，请稍后再试，或拨打 12348 公共法律服务热线咨询。";
    public const string OptionsHeader = "回复数字即可选择：";
    public static string Option(int number, string title) => $"回复 {number}：{title}";
    public const string SourcesLabel = "出处：";
    public const string Trimmed = "……";
    public static string Continued(int part, int parts) => $"（{part}/{parts}）";

    /// <summary>Default custom-menu CLICK keys and what each one asks the assistant; operators add or override them in WeChat:MenuKeys.</summary>
    public static readonly IReadOnlyDictionary<string, string> DefaultMenuKeys = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["CONSULT"] = "你好",
        ["LEGAL_AID"] = "我要申请法律援助",
        ["MEDIATION"] = "我要申请人民调解",
        ["NOTARY"] = "怎么办理公证",
        ["RECONSIDERATION"] = "怎么申请行政复议",
        ["PROGRESS"] = "查询进度",
        ["HOTLINE"] = "12348热线是什么",
        ["LESSON"] = Conversation.Publicity.PublicityTexts.TodayLesson,
        ["QUIZ"] = Conversation.Publicity.PublicityTexts.Quiz,
    };
}
