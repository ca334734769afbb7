namespace LegalBot.Conversation.Intake;

/// <summary>Every Chinese sentence of the intake dialogs, the office card and the progress query, in one place.</summary>
public static class IntakeTexts
{
    // Starting, leaving, resuming.
    public const string StartLegalAid = "好的，我来帮您在线申请法律援助，只需要回答几个问题，随时回复“取消”可以退出。";
    public const string StartMediation = "好的，我来帮您申请人民调解（免费），只需要回答几个问题，随时回复“取消”可以退出。";
    public const string Cancelled = "好的，已取消本次申请，您填写的信息没有提交，也不会保存。还有其他问题可以继续问我。";
    public const string ResumeOffer = "您的申请还没有填完，要继续吗？";
    public const string Resume = "继续申请";
    public const string CancelApplication = "取消申请";
    public static readonly string[] CancelPhrases = ["取消", "取消申请", "不办了", "不申请了", "不想申请了", "算了", "退出", "退出申请", "不用了"];
    public static readonly string[] ResumePhrases = ["继续", "继续申请", "继续填写", "接着填", "好的继续"];
    public const string ChooseFromOptions = "请从下面的选项中选一项（也可以直接回复序号）。";
    public static string Recorded(string label, string value) => $"已记录{label}：{value}。";

    // Apply intent: a service named together with one of these (and not asked about) starts a dialog.
    public static readonly string[] ApplyPhrases = ["我要申请", "我想申请", "我要办", "帮我申请", "申请一下", "想申请", "要申请", "我要", "我想", "帮我", "请求调解", "帮忙调解", "帮我们调解", "给我们调解"];
    public static readonly string[] HowToPhrases = ["怎么", "如何", "什么", "哪些", "哪里", "条件", "材料", "多久", "流程", "吗", "能不能", "可以不可以", "是否"];

    // Legal aid.
    public const string MatterLabel = "事项";
    public const string MatterPrompt = "请问您需要法律援助的是哪一类事情？";
    public static readonly (string Option, string Detail, string[] Keywords)[] Matters =
    [
        ("讨薪或工伤", "请求支付劳动报酬或工伤事故人身损害赔偿", ["工资", "欠薪", "讨薪", "工钱", "劳动报酬", "工伤", "欠我钱的老板", "老板欠"]),
        ("社保、救助或抚恤金", "请求社会保险待遇、社会救助或抚恤金", ["社保", "社会保险", "低保", "救助", "抚恤"]),
        ("赡养费、抚养费、扶养费", "请求给付赡养费、抚养费、扶养费", ["赡养", "抚养费", "扶养", "生活费"]),
        ("家暴、虐待或遗弃", "遭受家庭暴力、虐待或遗弃主张权益", ["家暴", "家庭暴力", "虐待", "遗弃", "打老婆", "被打"]),
        ("交通、医疗等人身损害赔偿", "交通事故、医疗事故、食品药品等人身损害赔偿", ["车祸", "交通事故", "医疗事故", "食品", "药品", "撞了"]),
        ("国家赔偿", "请求国家赔偿", ["国家赔偿"]),
        ("刑事案件", "刑事案件的辩护或代理", ["刑事", "被抓", "拘留", "逮捕", "判刑", "辩护", "坐牢"]),
        ("其他事项", "其他民事、行政法律事项", []),
    ];

    /// <summary>Matters the dialog treats specially: wages/injury asks about migrant work (第四十二条); domestic violence is exempt (第三十二条).</summary>
    public static string LabourMatter => Matters[0].Detail;
    public static string DomesticViolenceMatter => Matters[3].Detail;

    public const string ExemptionLabel = "经济困难审查";
    public const string MigrantPrompt = "根据《法律援助法》第四十二条，申请支付劳动报酬或者工伤赔偿的进城务工人员，免予核查经济困难状况，不需要开经济困难证明。请问您是外出（进城）务工人员吗？";
    public static readonly (string Option, string Detail)[] MigrantChoices =
    [
        ("是，我是外出务工人员", "免予核查经济困难状况（《法律援助法》第四十二条：进城务工人员请求支付劳动报酬或工伤赔偿）"),
        ("不是", ""),
    ];
    public static string MigrantExemption => MigrantChoices[0].Detail;
    public const string DomesticViolenceExempt = "根据《法律援助法》第三十二条，遭受虐待、遗弃或者家庭暴力的受害人主张相关权益，申请法律援助不受经济困难条件的限制。";
    public const string DomesticViolenceDetail = "不受经济困难条件限制（《法律援助法》第三十二条：家庭暴力、虐待、遗弃受害人）";
    public const string ExemptionPrompt = "以下情况您是否符合其中一项？符合的不需要核查经济困难状况（《法律援助法》第三十二条、第四十二条）。";
    /// <summary>Keywords: the applicant saying who they are ("我是低保户"), which settles the exemption question ahead of time.
    /// "无固定生活来源" cannot be told from "我是残疾人" alone, so that choice has none.</summary>
    public static readonly (string Option, string Detail, string[] Keywords)[] ExemptionChoices =
    [
        ("无固定生活来源的未成年人、老年人或残疾人", "免予核查经济困难状况（《法律援助法》第四十二条：无固定生活来源的特定群体）", []),
        ("低保、特困等社会救助或优抚对象", "免予核查经济困难状况（《法律援助法》第四十二条：社会救助、司法救助或优抚对象）",
            ["低保户", "吃低保", "领低保", "拿低保", "享受低保", "低保对象", "低保家庭", "低保边缘", "特困户", "特困人员", "特困供养", "五保户", "优抚对象"]),
        ("见义勇为或英雄烈士近亲属", "不受经济困难条件限制（《法律援助法》第三十二条）", ["见义勇为", "烈士家属", "烈士遗属", "烈士的"]),
        ("都不是", "需要如实说明经济困难状况（工作人员会指导填写个人诚信承诺书）", []),
    ];
    public const string HardshipStatementNote = "好的。工作人员联系您时，会请您如实填写经济困难状况说明（个人诚信承诺），不需要到处开证明。";

    // Mediation.
    public const string DisputeLabel = "纠纷类型";
    public const string DisputePrompt = "请问是哪一类纠纷？";
    public static readonly (string Option, string[] Keywords)[] Disputes =
    [
        ("邻里纠纷", ["邻居", "邻里", "隔壁", "漏水", "采光", "通行", "排水"]),
        ("婚姻家庭纠纷", ["离婚", "夫妻", "婆媳", "家庭", "赡养", "抚养", "老人不管"]),
        ("土地宅基地纠纷", ["宅基地", "土地", "承包地", "地界", "山林"]),
        ("损害赔偿纠纷", ["打伤", "损坏", "赔偿", "弄坏"]),
        ("合同债务纠纷", ["欠钱", "借钱", "欠款", "借款", "合同", "还钱"]),
        ("劳动欠薪纠纷", ["工资", "欠薪", "工钱", "老板欠"]),
        ("医疗纠纷", ["医院", "医疗", "手术", "医生", "诊所"]),
        ("交通事故纠纷", ["车祸", "交通事故", "撞了"]),
        ("物业纠纷", ["物业", "小区"]),
        ("其他纠纷", []),
    ];
    public const string PartyLabel = "对方与申请人关系";
    public const string PartyPrompt = "对方和您是什么关系？只说关系就可以，不用说对方姓名。";
    public static readonly string[] Parties = ["邻居", "家人或亲属", "同事或雇主", "商家或单位", "其他"];
    public const string PartyInvalid = "请简单说一下关系（例如“邻居”“亲戚”），不超过 20 个字。";

    // Shared fields.
    public const string AreaLabel = "所在地区";
    public const string AreaPrompt = "请问您住在哪个乡镇、哪个村（社区）？例如“城关镇东关村”。";
    public static string AreaAmbiguous(string said) => $"“{said}”有好几个地方，请问是哪一个？";
    public const string AreaTooCoarse = "请说一下具体是哪个乡镇（街道）？";
    public static string AreaUnknown(string said) => $"没有找到“{said}”这个地方。请说您所在的乡镇（街道），也可以点下面的选项。";
    public const string OfficeLabel = "受理机构";
    public const string NoOffice = "抱歉，目前没有找到负责您所在地区的受理机构。请拨打 12348 公共法律服务热线，由工作人员帮您联系。";
    public static string OfficeFound(string office) => $"您的申请将由{office}受理。";
    public const string NameLabel = "姓名";
    public const string NamePrompt = "请问您怎么称呼？请告诉我您的真实姓名，方便工作人员联系您。";
    public const string NameInvalid = "姓名应为 2 到 20 个字，只能包含汉字、字母和“·”，请重新输入。";
    public static string NameIsPlace(string said) => $"“{said}”像是一个地名。请输入申请人本人的姓名，例如“张三”。";

    /// <summary>The applicant is outside the county: where to apply instead (法律援助法第三十八条, 人民调解法第十七条).</summary>
    public const string OutsideCountyLegalAid =
        "本县的法律援助机构只受理本县的申请。要打官司的，向办案的法院、检察院、公安机关所在地的法律援助机构申请；不打官司的，向处理纠纷的机关所在地或者事情发生地的法律援助机构申请（《法律援助法》第三十八条）。请拨打 12348，由当地的公共法律服务热线告诉您具体去哪里申请。";
    public const string OutsideCountyMediation =
        "本县的调解委员会只调解本县的纠纷。请向纠纷发生地或者您居住地的村（居）民委员会、乡镇（街道）人民调解委员会申请调解，也可以拨打 12348 问当地的调解组织。";
    public const string MobileLabel = "手机号码";
    public const string MobilePrompt = "请留一个能联系到您的手机号码。";
    public const string MobileInvalid = "手机号码应为 11 位数字、以 1 开头（例如 13812345678），请重新输入。";
    public const string DescriptionLabel = "情况说明";
    public const string DescriptionPrompt = "请简单说说您遇到的情况：什么时候、发生了什么、希望得到什么帮助（500 字以内）。";
    public const string DescriptionTooShort = "说得再具体一点好吗？至少写 5 个字，例如“老板拖欠我三个月工资”。";
    public const string DescriptionTooLong = "情况说明请控制在 500 字以内，写主要的事情就可以，细节工作人员会和您核实。";

    // Consent.
    public const string ConsentVersion = "intake-consent-v1";
    public const string Agree = "同意";
    public const string Disagree = "不同意";
    public static readonly string[] AgreePhrases = ["同意", "我同意", "同意的", "好的", "好", "可以", "行", "是", "是的", "嗯", "没问题", "ok"];
    public static readonly string[] DisagreePhrases = ["不同意", "不", "不要", "不行", "不可以", "拒绝", "不愿意"];
    public static string ConsentPrompt(string service, string office, int retentionDays) =>
        "提交之前，需要征得您的同意处理您的个人信息：\n" +
        "· 收集的信息：姓名、手机号码、所在地区和您说明的情况；\n" +
        $"· 用途：仅用于受理和办理您这次的{service}申请、与您联系；\n" +
        $"· 接收方：{office}的工作人员；\n" +
        $"· 保存期限：加密保存，办结后 {retentionDays} 天删除。\n" +
        "您同意吗？";
    public static string ConsentRefused(string office) => $"好的，没有您的同意，我们不会在线提交，您填写的信息也不会保存。您可以直接到{office}当面申请：";

    // Confirmation.
    public const string Confirm = "确认提交";
    public const string Edit = "修改";
    public static readonly string[] ConfirmPhrases = ["确认提交", "确认", "提交", "确定", "没问题提交", "对的提交", "对", "对的", "没错"];
    public static readonly string[] EditPhrases = ["修改", "改一下", "要改", "有错", "不对"];
    public const string ConfirmPrompt = "请核对您的申请信息：";
    public const string ConfirmQuestion = "信息无误请选“确认提交”，需要改请选“修改”。";
    public const string EditPrompt = "您要修改哪一项？";
    public static string Submitted(string kind, string reference) =>
        $"您的{kind}申请已经提交，编号是 **{reference}**，请记下这个编号。";
    /// <param name="responseTime">The county's promise (site.md response_time), e.g. 2 个工作日内.</param>
    public static string SubmittedNext(string responseTime) => $"工作人员会在{Spaced(responseTime)}用您留的手机号和您联系。查询进度请发送“查询进度 编号”。";
    private static string Spaced(string s) => char.IsAsciiDigit(s[0]) ? " " + s : s;
    public static string AlreadySubmitted(string reference) => $"您的申请已经提交过了，编号是 **{reference}**，不会重复提交。";
    public const string LegalAidName = "法律援助";
    public const string MediationName = "人民调解";

    // Office card.
    public static string OfficeCardTitle(string name, bool demo) => demo ? $"{name}（演示数据）" : name;
    public const string AddressLabel = "地址";
    public const string PhoneLabel = "电话";
    public const string HoursLabel = "办公时间";
    public const string OfficeForService = "可以到这里办理：";

    // Progress query.
    public static readonly string[] StatusPhrases = ["查询进度", "查进度", "查询案件", "申请进度", "办到哪", "进度查询", "查一下进度", "案件进度"];
    public const string StatusAskReference = "请发送您的申请编号，例如“FY-261122-K7M3”。";
    public const string StatusAskPhone = "为了保护您的信息，请输入申请时所留手机号码的后 4 位。";
    public const string StatusPhoneInvalid = "请输入 4 位数字。";
    public const string CasesUnavailable = "系统正在维护，暂时不能提交或查询申请，您填写的内容已经保存。请过几分钟再发送一次，或拨打 12348。";

    /// <summary>One reply for an unknown reference and for wrong digits: nobody learns which references exist.</summary>
    public const string StatusNoMatch = "申请编号和手机号码后 4 位对不上。请核对编号；编号没错的话，请重新输入手机号码后 4 位（也可以发送正确的编号）。";
    public const string StatusLocked = "验证没有通过，今天不能再在线查询这个申请。为了保护申请人的信息，请带身份证到受理机构查询，或拨打 12348。";
    public static string StatusReply(string reference, string status, string updated) => $"您的申请 {reference} 目前的状态是：**{status}**（更新于 {updated}）。";
    public static readonly IReadOnlyDictionary<string, string> StatusNames = new Dictionary<string, string>
    {
        ["submitted"] = "已提交，等待工作人员受理",
        ["claimed"] = "工作人员已受理",
        ["in-progress"] = "正在办理",
        ["closed"] = "已办结",
        ["referred"] = "已转交其他机构办理",
    };
}
