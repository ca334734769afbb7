namespace LegalBot.Conversation.Routing;

/// <summary>
/// Phrases that decide a route. Applied to the normalised question (and, for services, to the title and tags
/// of the best-matching document). Kept as data so the rules stay readable and explainable.
/// </summary>
internal static class RouteLexicon
{
    public static readonly string[] Greeting =
    [
        "你好", "您好", "你好呀", "哈喽", "hello", "hi", "在吗", "在不在", "有人吗", "早上好", "上午好", "下午好", "晚上好", "嗨", "喂",
    ];

    public static readonly string[] Thanks = ["谢谢", "谢谢你", "感谢", "多谢", "好的谢谢", "明白了谢谢", "thanks", "thank you"];

    public static readonly string[] Reset = ["重新开始", "返回", "从头开始", "重来", "清空", "回到开始", "返回主菜单", "主菜单"];

    /// <summary>Service routes, checked in order; the first phrase found decides.</summary>
    public static readonly (string Route, string[] Phrases)[] Services =
    [
        (Routes.LegalAid, ["法律援助", "法援", "援助律师", "免费律师", "免费的律师", "请不起律师", "没钱请律师", "找不起律师", "受援人", "指派律师"]),
        (Routes.Reconsideration, ["行政复议", "复议"]),
        (Routes.Notary, ["公证"]),
        (Routes.Petition, ["信访", "上访", "走访", "来访"]),
        (Routes.Mediation, ["人民调解", "调解员", "调解委员会", "调解协议", "调解"]),
    ];

    /// <summary>
    /// Phrases that name a service beyond doubt, so that the service leads an answer about a problem that lists it
    /// (bare 调解 is not one: 派出所调解 and 交警调解 are the police's, not people's mediation).
    /// </summary>
    public static readonly (string Route, string[] Phrases)[] ClearServices =
    [
        (Routes.LegalAid, ["法律援助", "法援", "援助律师", "免费律师"]),
        (Routes.Reconsideration, ["行政复议", "复议"]),
        (Routes.Notary, ["公证"]),
        (Routes.Petition, ["信访", "上访"]),
        (Routes.Mediation, ["人民调解", "调解委员会", "调解员", "村里调解", "社区调解", "找人调解"]),
    ];

    public static readonly string[] Negations = ["没", "不", "未", "别"];

    /// <summary>Citizens' words for asking a third party to settle a quarrel: people's mediation, though they never say so.</summary>
    public static readonly string[] MediationColloquial = ["说和", "评评理", "评个理", "评理", "主持公道", "调停", "劝和"];

    /// <summary>
    /// A bare 调解 asks for mediation when it is requested (能调解吗, 找谁来调解, 想申请调解), not when it is told as past
    /// (在街道调解那签了协议): these come just before it …
    /// </summary>
    public static readonly string[] MediationRequestBefore = ["能", "找", "想", "来", "给", "申请", "帮", "请", "可以"];

    /// <summary>… or just after it.</summary>
    public static readonly string[] MediationRequestAfter = ["吗", "不", "么", "一下", "嘛"];

    /// <summary>Who mediates when it is not people's mediation (派出所调解, 交警调解, 法院调解, 仲裁调解).</summary>
    public static readonly string[] OtherMediators = ["派出所", "公安", "警察", "交警", "法院", "法官", "仲裁", "劳动", "消协", "12315"];

    /// <summary>
    /// Reporting a cadre or an office upwards (反映村干部, 举报镇政府, 往上告) is a petition (信访) even when the word is not
    /// said: a verb of complaint together with an official or the higher level. Complaints about a shop or an employer are not.
    /// </summary>
    public static readonly string[] PetitionVerbs = ["反映", "举报", "检举", "告状", "上告", "投诉", "揭发", "告他", "告他们", "去告", "要告", "想告"];

    public static readonly string[] Officials =
        ["村干部", "村支书", "支书", "村主任", "村长", "村委会", "村委", "村官", "队长", "乡干部", "镇干部", "乡镇干部", "干部", "乡政府", "镇政府", "乡里", "镇里", "县里", "街道办", "政府", "书记"];

    /// <summary>Going over someone's head is a petition whoever is meant.</summary>
    public static readonly string[] Upwards = ["往上反映", "向上反映", "往上告", "向上告", "往上找", "越级", "到县里反映", "去县里反映", "到市里反映", "去市里告", "上面反映"];

    /// <summary>
    /// Service routes recognised in a document's title and tags: narrower than <see cref="Services"/>, so that
    /// 劳动争议调解仲裁法 (answered as a consultation) is not taken for people's mediation.
    /// </summary>
    public static readonly (string Route, string[] Phrases)[] DocumentServices =
    [
        (Routes.LegalAid, ["法律援助"]),
        (Routes.Reconsideration, ["行政复议"]),
        (Routes.Notary, ["公证"]),
        (Routes.Petition, ["信访"]),
        (Routes.Mediation, ["人民调解"]),
    ];

    /// <summary>
    /// How-to-get-it-done questions (what to bring, where, when, phone): the county's own guide answers them better
    /// than national law, so a guide section that covers the question is preferred to a matter.
    /// </summary>
    public static readonly string[] Procedural =
        ["材料", "带什么", "带啥", "去哪", "在哪", "哪里办", "地址", "电话", "几点", "上班时间", "办公时间", "流程", "手续", "窗口", "预约", "怎么办理", "到哪"];
}
