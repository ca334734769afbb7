namespace LegalBot.Knowledge.Text;

/// <summary>
/// Question scaffolding that carries no legal content (请问, 怎么办, 吗 …). Removed from questions before
/// tokenizing — replaced by a space so n-grams never span the gap. Never applied to indexed text.
/// </summary>
public static class StopPhrases
{
    // Longest first: 怎么办 must go before 怎么.
    private static readonly string[] Phrases =
    [
        "请问一下", "想问一下", "我想知道", "我想问", "请问", "怎么办理", "该怎么办", "怎么处理", "怎么办", "怎么样", "咋回事", "咋办", "怎么", "怎样", "如何",
        "是不是", "是否", "能不能", "可不可以", "有没有", "会不会", "要不要", "可以吗", "行不行", "算不算",
        "什么", "哪些", "哪里", "哪儿", "哪个", "多少", "多久", "多长", "谁",
        "我们", "我家", "你们", "他们", "她们", "自己",
        "吗", "呢", "吧", "啊", "呀", "嘛", "了", "的", "得", "着", "啥", "我", "你", "他", "她", "它", "这", "那", "就", "都", "还", "也", "很", "么",
    ];

    public static string Remove(string normalized)
    {
        var s = normalized;
        foreach (var p in Phrases)
        {
            if (s.Contains(p, StringComparison.Ordinal)) s = s.Replace(p, " ", StringComparison.Ordinal);
        }
        return s;
    }
}
