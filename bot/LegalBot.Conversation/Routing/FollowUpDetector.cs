namespace LegalBot.Conversation.Routing;

/// <summary>
/// Recognises short follow-ups ("那要带什么材料?", "多久能办完?") that only make sense with the previous
/// question's topic.
/// </summary>
public static class FollowUpDetector
{
    private const int MaxLength = 16;
    private static readonly string[] Openers = ["那", "那么", "还有", "另外", "然后", "如果", "要是", "那我"];
    private static readonly string[] Cues =
    [
        "材料", "多久", "多长时间", "几天", "在哪", "哪里", "去哪", "费用", "收费", "要钱", "花钱", "怎么申请", "怎么办理", "流程", "步骤",
        "电话", "地址", "时间", "需要什么", "带什么", "条件", "期限", "找谁", "向谁", "能不能", "可以吗", "有效吗",
    ];

    public static bool IsFollowUp(string normalized, string? lastQuestion, string? lastRoute)
    {
        if (lastQuestion is null) return false;
        var compact = normalized.Replace(" ", "", StringComparison.Ordinal);
        if (compact.Length == 0 || compact.Length > MaxLength) return false;
        // Naming another service starts a new topic.
        if (RouteClassifier.FromText(normalized) is { } decision && decision.Route != lastRoute) return false;
        return Openers.Any(o => compact.StartsWith(o, StringComparison.Ordinal)) || Cues.Any(c => compact.Contains(c, StringComparison.Ordinal));
    }
}
