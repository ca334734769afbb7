using LegalBot.Cases.Statistics;

namespace LegalBot.Service.Endpoints;

/// <summary>Chinese text of the statistics API and its XLSX export (laid out as the annual 法治政府建设报告 figures).</summary>
public static class StaffStatsTexts
{
    public static string BadPeriod(string? month, string? year) =>
        $"统计期间无效（month={month}，year={year}）：请用 month=YYYY-MM（如 2026-12）或 year=YYYY（如 2026），二者选一。";

    public static string Title(StatsPeriod period, string scope) =>
        (period.Label.Length == 4 ? $"{period.Label}年度" : $"{period.Label[..4]}年{int.Parse(period.Label[5..], System.Globalization.CultureInfo.InvariantCulture)}月")
        + $"法治政府建设相关数据（{scope}）";

    public const string SheetSummary = "年度报告数据";
    public const string SheetDaily = "每日咨询";
    public const string SheetBreakdown = "分类统计";
    public const string Item = "指标";
    public const string Value = "数值";
    public const string Note = "说明";
    public const string Date = "日期";
    public const string Dimension = "类别";
    public const string Key = "项目";
    public const string Count = "数量";

    public const string Consultations = "咨询人次";
    public const string Answered = "其中：已解答";
    public const string Unanswered = "其中：未能解答（已转人工/12348）";
    public const string Clarified = "其中：追问澄清";
    public const string NotHelpfulRate = "“没帮助”反馈占比（%）";
    public const string LegalAidReceived = "法律援助 受理（件）";
    public const string LegalAidClosed = "法律援助 办结（件）";
    public const string MediationReceived = "人民调解 受理（件）";
    public const string MediationClosed = "人民调解 办结（件）";
    public const string MediationRate = "人民调解 调成率（%）";
    public const string MediationRateNote = "调解成功 /（调解成功+调解不成功），按本期办结的调解案件计；终止调解不计入";
    public const string MediationSucceeded = "其中：调解成功（件）";
    public const string MediationFailed = "其中：调解不成功（件）";
    public const string MediationTerminated = "其中：终止调解（件）";
    public const string SatisfactionRate = "满意率（%）";
    public const string SatisfactionNote = "（非常满意+满意+基本满意）/ 全部评价";
    public const string Ratings = "评价数";
    public const string HoursToClaim = "平均认领时长（小时）";
    public const string DaysToClose = "平均办理时长（天）";
    public const string NoData = "本期无数据";

    // The 普法 sheet (精准普法).
    public const string SheetPublicity = "普法";
    public const string PublicityTotal = "合计";
    public const string ByCampaign = "按活动";
    public const string LessonsRead = "学习课程（次）";
    public const string QuizzesTaken = "答题（次）";
    public const string Participants = "参与人数";
    public const string AverageScore = "平均分";
    public const string TownUnknown = "未知乡镇";
    public const string NoCampaign = "日常普法（非活动）";
    public const string MatterAsked = "常问事项";
    public const string CoveringLessons = "普法课";
    public const string NoLesson = "暂无课程，建议补充";

    public const string ByChannel = "渠道";
    public const string ByRoute = "事项类型";
    public const string ByMatter = "答复依据";
    public const string ByTown = "乡镇";
    public const string ByStatus = "案件状态";
    public const string ByOffice = "受理机构";
    public const string CasesByTown = "案件乡镇";
    public const string ByLevel = "满意度";

    public static string Level(string wire) => wire switch
    {
        "very-satisfied" => "非常满意",
        "satisfied" => "满意",
        "basically-satisfied" => "基本满意",
        "dissatisfied" => "不满意",
        _ => "非常不满意",
    };
}
