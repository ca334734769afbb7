using System.Globalization;
using LegalBot.Knowledge.Index;

namespace LegalBot.Knowledge.Search;

/// <summary>All tunable scoring parameters in one place.</summary>
public sealed record RetrievalSettings(Bm25Parameters Bm25, QueryWeights Query, int MaxGram = 2)
{
    public static RetrievalSettings Default { get; } = new(Bm25Parameters.Default, QueryWeights.Default);

    /// <summary>Overrides from "k1=1.2,b=0.75,title=1,head=1.5,body=1,uni=0.35,exp=0.7" (for tuning with <c>legalbot eval --tune</c>).</summary>
    public static RetrievalSettings Parse(string spec)
    {
        var s = Default;
        foreach (var part in spec.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var kv = part.Split('=', 2);
            if (kv.Length != 2 || !float.TryParse(kv[1], NumberStyles.Float, CultureInfo.InvariantCulture, out var v))
                throw new FormatException($"bad tuning parameter '{part}' (expected name=number)");
            s = kv[0] switch
            {
                "k1" => s with { Bm25 = s.Bm25 with { K1 = v } },
                "b" => s with { Bm25 = s.Bm25 with { LeadB = v, RestB = v } },
                "bl" => s with { Bm25 = s.Bm25 with { LeadB = v } },
                "br" => s with { Bm25 = s.Bm25 with { RestB = v } },
                "lead" => s with { Bm25 = s.Bm25 with { LeadWeight = v } },
                "rest" => s with { Bm25 = s.Bm25 with { RestWeight = v } },
                "title" => s with { Bm25 = s.Bm25 with { TitleWeight = v } },
                "head" => s with { Bm25 = s.Bm25 with { HeadingWeight = v } },
                "uni" => s with { Query = s.Query with { Unigram = v } },
                "bi" => s with { Query = s.Query with { Bigram = v } },
                "exp" => s with { Query = s.Query with { Expansion = v } },
                "gram" => s with { MaxGram = (int)v },
                "cov" => s with { Query = s.Query with { Coverage = v } },
                "var" => s with { Query = s.Query with { Variant = v } },
                "agree" => s with { Query = s.Query with { Agreement = v } },
                "q" => s with { Bm25 = s.Bm25 with { QuestionWeight = v } },
                _ => throw new FormatException($"unknown tuning parameter '{kv[0]}'"),
            };
        }
        return s;
    }
}
