using LegalBot.Knowledge.Documents;
using LegalBot.Knowledge.Editing;

namespace LegalBot.Knowledge.Tests;

/// <summary>新建事项: a draft from a question, composed from the editor's fields, and checked with the folder's rules before saving.</summary>
public sealed class MatterDraftTests
{
    private const string Question = "打工的老板欠我三个月工资不给怎么办？";

    private static readonly string[] TenQuestions =
    [
        "老板欠三个月工资不给", "包工头跑了工钱找谁要", "工资拖着不发怎么办", "厂里说下个月再发工资", "辞职了老板不结工资",
        "干活的钱一直要不回来", "老板说没钱发工资", "欠薪去哪里投诉", "工资被扣着不给", "年底了工钱还没结",
    ];

    private static MatterFields Complete(string id = "matter-labour-q123456", string quote = "本法所称法律援助，是国家无偿提供法律服务的制度。") =>
        new(id, "老板拖欠工资", "consult", TenQuestions, "先找老板要，要不到可以申请法律援助（《示例法》第二条）。",
            [new SuggestedReference("示例法", "第二条", quote)]);

    /// <summary>A folder with the sample statute and one matter, opened the way <c>legalbot check</c> opens it.</summary>
    private static async Task<(TempKnowledge Folder, KnowledgeBase Kb)> FolderAsync()
    {
        var k = new TempKnowledge();
        k.Write("regulations/示例法.md", Samples.Statute);
        k.Write("matters/labour/old.md", MatterDraftBuilder.Compose(Complete("matter-labour-old")));
        var kb = await KnowledgeBase.OpenAsync(k.Folder, null);
        await kb.RefreshAsync(CancellationToken.None);
        return (k, kb);
    }

    private static async Task<MatterCheckResult> CheckAsync(KnowledgeBase kb, string path, string markdown) =>
        MatterCheck.Check(path, markdown, await kb.Index.GetDocumentsAsync(CancellationToken.None), kb.View.Statutes, kb.View.Registry);

    [Fact]
    public void A_draft_takes_the_question_the_route_and_the_domain_of_the_best_matter_and_a_fresh_id()
    {
        var suggested = new[] { new SuggestedReference("劳动合同法", "第三十条", "用人单位应当……及时足额支付劳动报酬。") };
        var draft = MatterDraftBuilder.Draft(Question, "legal-aid", "matters/labour/unpaid-wages.md", suggested, new HashSet<string>());
        Assert.Equal("labour", draft.Domain);
        Assert.Matches("^matter-labour-q[0-9a-f]{6}$", draft.Fields.Id);
        Assert.Equal($"matters/labour/{draft.Fields.Id["matter-labour-".Length..]}.md", draft.Path);
        Assert.Equal("打工的老板欠我三个月工资不给怎么办", draft.Fields.Title);
        Assert.Equal("legal-aid", draft.Fields.Route);
        Assert.Equal([Question], draft.Fields.Questions);
        Assert.Equal(suggested, draft.Suggested);
        // Suggestions are not references until staff confirm them; the answer is the placeholder.
        Assert.Empty(draft.Fields.References);
        Assert.DoesNotContain("references:", draft.Markdown, StringComparison.Ordinal);
        Assert.Contains("kind: matter", draft.Markdown, StringComparison.Ordinal);
        Assert.Contains("- " + Question, draft.Markdown, StringComparison.Ordinal);
        Assert.Contains(MatterDraftBuilder.AnswerPlaceholder, draft.Markdown, StringComparison.Ordinal);
    }

    [Fact]
    public void A_taken_id_gets_a_counter_and_an_unknown_domain_or_a_greeting_route_falls_back()
    {
        var first = MatterDraftBuilder.Draft(Question, "consult", "matters/labour/x.md", [], new HashSet<string>());
        var second = MatterDraftBuilder.Draft(Question, "consult", "matters/labour/x.md", [], new HashSet<string> { first.Fields.Id });
        Assert.Equal(first.Fields.Id + "-2", second.Fields.Id);
        var byPath = MatterDraftBuilder.Draft(Question, "consult", "matters/labour/x.md", [], new HashSet<string> { first.Path });
        Assert.NotEqual(first.Path, byPath.Path);

        var loose = MatterDraftBuilder.Draft(Question, "greeting", "guides/legal-aid.md", [], new HashSet<string>());
        Assert.Equal(MatterDraftBuilder.FallbackDomain, loose.Domain);
        Assert.Equal("consult", loose.Fields.Route);
        Assert.Throws<ArgumentException>(() => MatterDraftBuilder.Draft("  \n ", "consult", null, [], new HashSet<string>()));
    }

    [Fact]
    public void A_suggestion_quotes_the_first_sentence_of_the_article_without_its_label()
    {
        var s = MatterDraftBuilder.Suggest("示例法", "第三条", "第三条 下列事项的当事人，因经济困难没有委托代理人的，可以申请法律援助：\n（一）请求支付劳动报酬；");
        Assert.Equal(new SuggestedReference("示例法", "第三条", "下列事项的当事人，因经济困难没有委托代理人的，可以申请法律援助"), s);
        Assert.Null(ReferenceCheck.QuoteMismatch(s.Quote!, "第三条 下列事项的当事人，因经济困难没有委托代理人的，可以申请法律援助："));
    }

    [Fact]
    public async Task The_folder_check_rejects_a_draft_until_the_answer_references_and_ten_questions_are_written()
    {
        var (k, kb) = await FolderAsync();
        using var _ = k;
        using var __ = kb;
        var draft = MatterDraftBuilder.Draft(Question, "consult", "matters/labour/old.md",
            [MatterDraftBuilder.Suggest("示例法", "第二条", "第二条 本法所称法律援助，是国家无偿提供法律服务的制度。")], new HashSet<string> { "matter-labour-old" });

        // legalbot check itself refuses the draft as it is (nothing half-written can go live) …
        k.Write(draft.Path, draft.Markdown);
        var report = await kb.RefreshAsync(CancellationToken.None);
        Assert.Contains(report.Diagnostics, d => d.Path == draft.Path && !d.IsWarning);
        Assert.DoesNotContain(await kb.Index.GetDocumentsAsync(CancellationToken.None), d => d.Id == draft.Fields.Id);
        k.Delete(draft.Path);

        // … and the desk says why, in Chinese, with lines.
        var result = await CheckAsync(kb, draft.Path, draft.Markdown);
        Assert.False(result.CanSave);
        var messages = string.Join("\n", result.Problems.Select(p => p.Message));
        Assert.Contains("还没有写“解答”", messages, StringComparison.Ordinal);
        Assert.Contains("至少要有一条依据", messages, StringComparison.Ordinal);
        Assert.All(result.Problems, p => Assert.True(p.Line >= 1));

        var fields = draft.Fields with { Questions = TenQuestions, Answer = "可以申请法律援助。", References = draft.Suggested };
        var written = await CheckAsync(kb, draft.Path, MatterDraftBuilder.Compose(fields));
        Assert.True(written.CanSave, string.Join("\n", written.Problems));
        Assert.Equal(draft.Fields.Id, written.Document!.Info.Id);
    }

    [Fact]
    public async Task Too_few_questions_are_reported_at_the_questions_list()
    {
        var (k, kb) = await FolderAsync();
        using var _ = k;
        using var __ = kb;
        var markdown = MatterDraftBuilder.Compose(Complete() with { Questions = ["老板欠工资"] });
        var result = await CheckAsync(kb, "matters/labour/new.md", markdown);
        var problem = Assert.Single(result.Problems);
        Assert.Contains("只有 1 条，至少要写 10 条", problem.Message, StringComparison.Ordinal);
        Assert.Equal("- 老板欠工资", markdown.Split('\n')[problem.Line - 1]);
    }

    [Fact]
    public async Task An_unknown_law_a_missing_article_and_a_wrong_quote_are_refused_at_their_lines()
    {
        var (k, kb) = await FolderAsync();
        using var _ = k;
        using var __ = kb;
        var fields = Complete() with
        {
            Answer = "先找老板要。",
            References =
            [
                new SuggestedReference("示例法", "第二条", "本法所称法律援助，是国家收费提供的服务。"),
                new SuggestedReference("示例法", "第九十九条", null),
                new SuggestedReference("不存在的法", "第一条", null),
                new SuggestedReference("劳动合同法", "第三十条", null),
            ],
        };
        var markdown = MatterDraftBuilder.Compose(fields);
        var lines = markdown.Split('\n');
        var result = await CheckAsync(kb, "matters/labour/new.md", markdown);
        Assert.False(result.CanSave);
        string At(string text) => lines[Assert.Single(result.Problems, p => p.Message.Contains(text, StringComparison.Ordinal)).Line - 1];
        Assert.Equal("  - law: 示例法", At("引文与条文原文不一致"));
        Assert.Equal("  - law: 示例法", At("没有第九十九条"));
        Assert.Equal("  - law: 不存在的法", At("不是已知的法律名称"));
        // A known law the folder does not hold is a warning, not a refusal.
        Assert.True(Assert.Single(result.Problems, p => p.Message.Contains("无法核对", StringComparison.Ordinal)).IsWarning);
        Assert.Equal(4, result.Problems.Count);
    }

    [Fact]
    public async Task References_are_checked_while_the_answer_is_still_missing_and_the_missing_answer_is_shown_at_its_heading()
    {
        var (k, kb) = await FolderAsync();
        using var _ = k;
        using var __ = kb;
        var markdown = MatterDraftBuilder.Compose(Complete(quote: "国家收费提供服务。") with { Answer = "" });
        var lines = markdown.Split('\n');
        var result = await CheckAsync(kb, "matters/labour/new.md", markdown);
        Assert.Null(result.Document);
        Assert.Equal("## 解答", lines[Assert.Single(result.Problems, p => p.Message.Contains("还没有写", StringComparison.Ordinal)).Line - 1]);
        Assert.Equal("  - law: 示例法", lines[Assert.Single(result.Problems, p => p.Message.Contains("引文与条文原文不一致", StringComparison.Ordinal)).Line - 1]);
    }

    [Theory]
    [InlineData("../matters/labour/x.md")]
    [InlineData("matters/../guides/x.md")]
    [InlineData("matters/labour/x.txt")]
    [InlineData("/etc/matters/x.md")]
    [InlineData("guides/labour/x.md")]
    [InlineData("matters/.hidden/x.md")]
    [InlineData("matters\\labour\\x.md")]
    [InlineData("")]
    public async Task A_path_outside_matters_or_with_traversal_is_refused(string path)
    {
        var (k, kb) = await FolderAsync();
        using var _ = k;
        using var __ = kb;
        var result = await CheckAsync(kb, path, MatterDraftBuilder.Compose(Complete()));
        Assert.False(result.CanSave);
        Assert.Contains("保存路径", Assert.Single(result.Problems).Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_duplicate_id_or_a_file_of_another_matter_is_refused_but_the_same_file_may_be_edited()
    {
        var (k, kb) = await FolderAsync();
        using var _ = k;
        using var __ = kb;
        var duplicate = await CheckAsync(kb, "matters/labour/new.md", MatterDraftBuilder.Compose(Complete("matter-labour-old")));
        Assert.Contains("已被 matters/labour/old.md 使用", Assert.Single(duplicate.Problems).Message, StringComparison.Ordinal);

        var replacing = await CheckAsync(kb, "matters/labour/old.md", MatterDraftBuilder.Compose(Complete("matter-labour-other")));
        Assert.Contains("是另一个事项（matter-labour-old）的文件", Assert.Single(replacing.Problems).Message, StringComparison.Ordinal);

        var editing = await CheckAsync(kb, "matters/labour/old.md", MatterDraftBuilder.Compose(Complete("matter-labour-old") with { Title = "改过的标题" }));
        Assert.True(editing.CanSave, string.Join("\n", editing.Problems));
    }

    [Fact]
    public async Task A_file_that_is_not_a_matter_is_refused()
    {
        var (k, kb) = await FolderAsync();
        using var _ = k;
        using var __ = kb;
        var result = await CheckAsync(kb, "matters/labour/guide.md", Samples.Guide);
        Assert.Contains(result.Problems, p => p.Message == MatterTexts.NotAMatter);
        Assert.False(result.CanSave);
    }
}
