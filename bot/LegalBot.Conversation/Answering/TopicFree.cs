using LegalBot.Conversation.Routing;
using LegalBot.Knowledge.Index;
using LegalBot.Knowledge.Text;

namespace LegalBot.Conversation.Answering;

/// <summary>
/// A message that names no problem at all, only time, procedure or "this" ("这事儿几天能办好", "这个要带什么"): on its
/// own it fits any matter that has such a wording, so it is answered only in the context of an earlier question, never
/// matched alone. Pure text work.
/// </summary>
public static class TopicFree
{
    // Words that say how, when or "this one", never what about. Procedural ones come from the route lexicon.
    private static readonly string[] Generic =
    [
        "这事儿", "这件事", "这个事", "这事", "此事", "事儿", "事情", "这个", "那个", "这种", "办好", "办完", "办下来", "能办", "要办", "办理", "办",
        "几天", "几个月", "多长时间", "时间", "要多久", "能拿到", "拿到", "需要", "准备", "要带", "一下", "现在", "可以", "能",
    ];

    private static readonly string[] Words = [.. RouteLexicon.Procedural.Concat(Generic).Distinct().OrderByDescending(w => w.Length)];

    /// <summary>The message is one of the hit's wordings, digits and masks aside (staff attach questions with the phone masked).</summary>
    public static bool IsWordingOf(string text, ChunkHit hit)
    {
        var said = Letters(text);
        return said.Length > 0 && hit.Chunk.QuestionVariants.Any(v => Letters(v) == said);
    }

    private static string Letters(string text) => new([.. TextNormalizer.Compact(text).Where(c => !char.IsAsciiDigit(c))]);

    /// <summary>True when, without question scaffolding and these generic words, fewer than two Chinese characters are left.</summary>
    public static bool Is(string normalized)
    {
        // The generic words first: the scaffolding's single characters (这, 了) would break them up.
        var rest = StopPhrases.Remove(Words.Aggregate(normalized, (s, w) => s.Replace(w, " ", StringComparison.Ordinal)));
        return rest.Count(c => c is >= '\u4e00' and <= '\u9fff') < 2;
    }
}
