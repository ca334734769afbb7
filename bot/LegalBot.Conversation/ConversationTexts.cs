namespace LegalBot.Conversation;

/// <summary>Every Chinese sentence the conversation engine says, in one place.</summary>
public static class ConversationTexts
{
    public const string Thanks = "不客气！还有其他问题可以随时问我。";
    public const string Reset = "好的，我们重新开始。请说说您想咨询的问题。";
    public const string NotSure = "抱歉，这个问题我在现有资料里没有找到可靠的答案，不敢乱说。";
    public const string NotSureHotline = "建议拨打 12348 公共法律服务热线，由值班律师免费解答。";
    public const string NearestTopics = "您也可以看看这些相关内容：";
    public const string OutOfScope = "这个问题超出了我能回答的范围。我主要解答法律问题和法律服务的办理方法。";
    /// <summary>What heads a quoted article under a matter's answer: 《劳动合同法》第三十条：</summary>
    public static string QuoteHeading(string law, string article) => $"《{law}》{article}：";

    /// <summary>A cited statute's folder text is older than the text in force.</summary>
    public static string OutdatedStatute(string law, DateOnly held, DateOnly inForce) =>
        $"注意：以上《{law}》条文引自 {held.Year} 年的文本，现行文本自 {inForce:yyyy年M月d日} 起施行，条文序号和内容可能有变化，请以现行文本为准或拨打 12348 核实。";

    public static string Clarify(IReadOnlyList<string> titles) =>
        "您是想问：" + string.Concat(titles.Select((t, i) => (i == 0 ? "" : "，") + "①②③④"[i] + " " + t)) + "？";

    /// <summary>Heads the answer to a further question of the same message.</summary>
    public static string FurtherQuestion(string question) => $"您还问到“{question}”：";

    public const string ClarifyHint = "点一下最接近的一项，或者换个说法再说说您的情况。";

    /// <summary>Demo files carry this in a note for staff; it is never quoted to citizens.</summary>
    public const string DemoNoteMarker = "本文件为演示数据";
    public static string AnswerLeadRegulation(string title, string article) => $"根据《{title}》{article}的规定：";
    public static string AnswerLeadGuide(string title, string section) => $"《{title}》中“{section}”是这样说的：";
    public static string AnswerLeadGuideNoSection(string title) => $"《{title}》中是这样说的：";
    public const string AlsoSee = "相关依据：";
    public const string HotlineHint = "以上内容仅供参考，具体情况可拨打 12348 咨询。";

    /// <summary>Shown with an answer the language model wrote from the cited passages.</summary>
    public const string WrittenAnswerNote = "本回答由智能助手根据所列法规条文整理，请以条文原文为准。";
    public const string Helpful = "有帮助";
    public const string NotHelpful = "没帮助";
    public const string FeedbackThanks = "感谢您的反馈！";
    public const string FeedbackSorry = "感谢反馈，我们会改进。您也可以换个说法再问，或拨打 12348 咨询律师。";
    public const string TextTooLong = "您的消息太长了，我只看了前面的部分。";
    public const string EmptyMessage = "请用文字描述您的问题。";
    public const string RateLimited = "您发送得太快了，请稍等几秒再发。";

    // The greeting and its topic buttons are the county's: knowledge/site.md (SiteSettings).

    /// <summary>Offer buttons for routes that are a public legal service.</summary>
    public static readonly IReadOnlyDictionary<string, string> ServiceOffers = new Dictionary<string, string>
    {
        ["legal-aid"] = "我要申请法律援助",
        ["mediation"] = "我要申请人民调解",
        ["notary"] = "我要办理公证",
        ["reconsideration"] = "我要申请行政复议",
        ["petition"] = "我要反映信访事项",
    };

    /// <summary>Follow-up questions by route when the answer came from a statute.</summary>
    public static readonly IReadOnlyDictionary<string, string[]> FollowUps = new Dictionary<string, string[]>
    {
        ["legal-aid"] = ["申请法律援助要带什么材料？", "法律援助多久能办完？"],
        ["mediation"] = ["人民调解要收费吗？", "调解协议有法律效力吗？"],
        ["notary"] = ["办理公证要带什么材料？", "公证书多久能拿到？"],
        ["reconsideration"] = ["行政复议的申请期限是多久？", "行政复议向谁申请？"],
        ["petition"] = ["信访事项多久答复？", "走访要去哪里？"],
        ["consult"] = ["可以申请法律援助吗？", "可以申请人民调解吗？"],
        ["emergency"] = ["什么是人身安全保护令？", "家暴可以向哪里求助？"],
    };
}
