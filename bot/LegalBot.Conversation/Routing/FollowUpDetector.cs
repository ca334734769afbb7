using LegalBot.Knowledge.Text;

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
        "电话", "地址", "时间", "需要什么", "带什么", "条件", "期限", "找谁", "向谁", "能不能", "可以吗", "有效吗", "申请", "办理",
        // The remedy, asked of the problem already told ("能赔多少", "要多长时间内起诉", "那咋整"): no topic of its own.
        "起诉", "打官司", "告他", "去告", "赔多少", "赔偿", "多少钱", "多少", "证据", "律师", "怎么办", "咋办", "咋整", "管不管", "犯法吗", "违法吗",
    ];

    // Function characters left over once scaffolding and cues are gone ("那要带什么材料" → "带").
    private const string FunctionChars = "要能需去得可以会该样办完到在带交给给做用的了吗呢吧呀啊";

    public static bool IsFollowUp(string normalized, string? lastQuestion, string? lastRoute)
    {
        if (!MayLeanOn(normalized, lastQuestion)) return false;
        var compact = normalized.Replace(" ", "", StringComparison.Ordinal);
        // Naming another service starts a new topic.
        if (RouteClassifier.FromText(normalized) is { } decision && decision.Route != lastRoute) return false;
        var opener = Openers.FirstOrDefault(o => compact.StartsWith(o, StringComparison.Ordinal));
        if (opener is null && !Cues.Any(c => compact.Contains(c, StringComparison.Ordinal))) return false;
        // A message that still names a topic of its own ("离婚要带什么材料") is a new question, not a follow-up.
        var residual = StopPhrases.Remove(opener is null ? compact : compact[opener.Length..]);
        foreach (var cue in Cues) residual = residual.Replace(cue, "", StringComparison.Ordinal);
        return residual.Count(c => TextNormalizer.IsCjk(c) && !FunctionChars.Contains(c, StringComparison.Ordinal)) < 2;
    }

    /// <summary>
    /// Short enough, with a previous question, to be read in its context: when such a message finds nothing confident
    /// on its own ("假一赔三吗" after a question about fake goods), the engine tries it with the previous question.
    /// </summary>
    public static bool MayLeanOn(string normalized, string? lastQuestion)
    {
        if (lastQuestion is null) return false;
        var compact = normalized.Replace(" ", "", StringComparison.Ordinal);
        return compact.Length > 0 && compact.Length <= MaxLength;
    }
}
