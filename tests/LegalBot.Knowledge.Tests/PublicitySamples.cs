namespace LegalBot.Knowledge.Tests;

/// <summary>A small 普法 set over <see cref="Samples.Statute"/>: one campaign, two lessons, a quiz of six questions.</summary>
public static class PublicitySamples
{
    public const string Campaign = """
        ---
        id: campaign-aid-week
        kind: campaign
        title: 法律援助宣传周
        start: 12-01
        end: 12-07
        ---
        # 法律援助宣传周

        法律援助是国家无偿提供的法律服务。
        """;

    public const string CampaignLesson = """
        ---
        id: lesson-aid-free
        kind: lesson
        title: 法律援助不收费
        audience: [农民工]
        campaign: 法律援助宣传周
        references:
          - law: 示例法
            article: 第二条
            quote: 国家无偿提供法律服务的制度
        ---
        # 法律援助不收费

        老王被拖欠工资，以为请律师很贵。其实法律援助是国家无偿提供的法律服务。
        """;

    public const string SeasonLesson = """
        ---
        id: lesson-aid-wages
        kind: lesson
        title: 讨薪可以申请法律援助
        months: [1, 2]
        references:
          - law: 示例法
            article: 第三条
        ---
        # 讨薪可以申请法律援助

        请求支付劳动报酬，因经济困难没有委托代理人的，可以申请法律援助。
        """;

    /// <summary>Six questions (so a five-question quiz draws from them), all on 示例法, answers A, B, C, A, B, C.</summary>
    public static string Quiz(string? campaign = "campaign-aid-week")
    {
        var sb = new System.Text.StringBuilder();
        sb.Append("---\nid: quiz-aid\nkind: quiz\ntitle: 法律援助知识\n");
        if (campaign is not null) sb.Append("campaign: ").Append(campaign).Append('\n');
        sb.Append("questions:\n");
        for (var i = 1; i <= 6; i++)
        {
            var answer = "ABC"[(i - 1) % 3];
            var options = new[] { "收费", "收费", "收费" };
            options[(i - 1) % 3] = "不收费";
            sb.Append($"  - id: quiz-aid-0{i}\n    question: 法律援助收费吗（第{i}问）？\n    options: [{string.Join(", ", options.Select((o, k) => o + k))}]\n")
              .Append($"    answer: {answer}\n    explanation: 《示例法》第二条规定，法律援助是国家无偿提供法律服务的制度。\n")
              .Append("    references:\n      - law: 示例法\n        article: 第二条\n        quote: 国家无偿提供法律服务的制度\n");
        }
        sb.Append("---\n# 法律援助知识\n");
        return sb.ToString();
    }

    /// <summary>The right option's text of question <paramref name="n"/> (1-based) in <see cref="Quiz"/>.</summary>
    public static string RightOption(int n) => "不收费" + ((n - 1) % 3);
}
