using System.Security.Cryptography;
using LegalBot.Cases;
using LegalBot.Cases.Privacy;
using LegalBot.Cases.Storage;
using LegalBot.Conversation.Intake;
using LegalBot.Conversation.State;
using LegalBot.Knowledge;
using LegalBot.Knowledge.Tests;

namespace LegalBot.Conversation.Tests;

/// <summary>The intake dialogs end to end through the engine, over the repository's demo knowledge and offices.</summary>
public sealed class IntakeTests : IAsyncLifetime
{
    private readonly string _data = Path.Combine(Path.GetTempPath(), "legalbot-intake-" + Guid.NewGuid().ToString("N"));
    private readonly IFieldProtector _protector = new AesGcmFieldProtector(RandomNumberGenerator.GetBytes(32));
    private KnowledgeBase _kb = null!;
    private SqliteConversationStore _store = null!;
    private SqliteCaseDatabase _db = null!;
    private SqlCaseStore _cases = null!;
    private ConversationEngine _engine = null!;

    public async Task InitializeAsync()
    {
        _kb = await KnowledgeBase.OpenAsync(Path.Combine(TestPaths.RepoRoot, "knowledge"), null);
        await _kb.RefreshAsync(CancellationToken.None);
        _store = await SqliteConversationStore.OpenAsync(Path.Combine(_data, "state.db"), CancellationToken.None, _protector);
        _db = new SqliteCaseDatabase(Path.Combine(_data, "cases.db"));
        _cases = await SqlCaseStore.OpenAsync(_db, _protector, TimeProvider.System, CancellationToken.None);
        var intake = new IntakeCoordinator(() => _kb.Offices, _cases, new IntakeOptions { RetentionDays = 180 }, TimeProvider.System);
        _engine = new ConversationEngine(() => _kb.View, _store, EngineOptions.Default, TimeProvider.System, intake);
    }

    public async Task DisposeAsync()
    {
        _kb.Dispose();
        _store.Dispose();
        await _db.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try { Directory.Delete(_data, recursive: true); } catch (IOException) { }
    }

    private async Task<OutboundReply> Say(string text, string conversation = "c1")
    {
        var replies = await _engine.HandleAsync(new InboundMessage(conversation, "u1", "test", text), CancellationToken.None);
        return replies[^1];
    }

    private async Task<IReadOnlyList<OutboundReply>> SayAll(string text, string conversation = "c1") =>
        await _engine.HandleAsync(new InboundMessage(conversation, "u1", "test", text), CancellationToken.None);

    private static string Reference(OutboundReply filed) => ReferenceNumbers.Find(filed.Lead)!;

    [Fact]
    public async Task Applying_right_after_a_wage_answer_is_about_the_wages()
    {
        var answer = await Say("老板拖欠工资三个月了怎么办", "c-wage");
        Assert.Contains(answer.Actions, a => a.Title.Contains("申请法律援助", StringComparison.Ordinal));
        var r = await Say(answer.Actions.First(a => a.Title.Contains("申请法律援助", StringComparison.Ordinal)).Value, "c-wage");
        Assert.Equal(ReplyKind.Intake, r.Kind);
        Assert.Contains(r.Actions, a => a.Title == "是，我是外出务工人员");
        // Without an earlier question the matter is asked for.
        r = await Say("我要申请法律援助", "c-fresh");
        Assert.DoesNotContain(r.Actions, a => a.Title == "是，我是外出务工人员");
    }

    [Fact]
    public async Task Saying_one_is_on_dibao_settles_the_exemption_not_the_matter()
    {
        // In the first message: 低保户 is who the applicant is; the matter is still asked.
        var r = await Say("我是低保户，想申请法律援助", "c-dibao");
        Assert.Equal(ReplyKind.Intake, r.Kind);
        Assert.Contains("社会救助、司法救助或优抚对象", r.Lead, StringComparison.Ordinal);
        Assert.Contains(r.Actions, a => a.Title == "讨薪或工伤");
        r = await Say("赡养费", "c-dibao");
        Assert.DoesNotContain(r.Actions, a => a.Title == "低保、特困等社会救助或优抚对象");

        // As the answer to the matter question: recorded, and the matter asked again.
        await Say("我要申请法律援助", "c-dibao2");
        r = await Say("我是吃低保的", "c-dibao2");
        Assert.Contains("社会救助、司法救助或优抚对象", r.Lead, StringComparison.Ordinal);
        Assert.Contains(r.Actions, a => a.Title == "讨薪或工伤");
        r = await Say("老板欠我工资", "c-dibao2");
        Assert.DoesNotContain(r.Actions, a => a.Title == "是，我是外出务工人员");
        Assert.DoesNotContain(r.Actions, a => a.Title == "低保、特困等社会救助或优抚对象");

        // The benefit itself is still the matter 社会救助.
        r = await Say("我想申请法律援助，村里把我家低保取消了", "c-dibao3");
        Assert.Contains("请求社会保险待遇、社会救助或抚恤金", r.Lead, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_migrant_worker_applies_for_legal_aid_in_eight_turns()
    {
        var r = await Say("我想申请法律援助,老板欠我工资");
        Assert.Equal(ReplyKind.Intake, r.Kind);
        Assert.Contains("第四十二条", r.Lead, StringComparison.Ordinal);
        Assert.Contains("免予核查经济困难状况", r.Lead, StringComparison.Ordinal);
        var basis = Assert.Single(r.Citations);
        var docId = basis.ChunkId[..basis.ChunkId.IndexOf('#', StringComparison.Ordinal)];
        var cited = (await _kb.Index.GetChunksAsync(docId, default)).Single(c => c.Id == basis.ChunkId);
        Assert.Contains("免予核查经济困难状况", cited.Text.Replace("*", "", StringComparison.Ordinal), StringComparison.Ordinal);
        Assert.Contains(r.Actions, a => a.Title == "是，我是外出务工人员");

        r = await Say("是");
        Assert.Contains("乡镇", r.Lead, StringComparison.Ordinal);
        Assert.Contains(r.Actions, a => a.Title == "城关镇");
        r = await Say("我在城关镇东关村");
        Assert.Contains("示例县法律援助中心受理", r.Lead, StringComparison.Ordinal);
        r = await Say("张三");
        Assert.Contains("手机", r.Lead, StringComparison.Ordinal);
        r = await Say("138 1234 5678");
        r = await Say("老板拖欠我三个月工资，一共一万二");
        Assert.Contains("保存期限：加密保存，办结后 180 天删除", r.Lead, StringComparison.Ordinal);
        Assert.Contains("接收方：示例县法律援助中心", r.Lead, StringComparison.Ordinal);
        r = await Say("同意");
        Assert.Contains(r.Notes, n => n == "· 手机号码：13812345678");
        Assert.Contains(r.Notes, n => n == "· 所在地区：城关镇东关村");
        Assert.Equal(["确认提交", "修改", "取消申请"], r.Actions.Select(a => a.Title));
        r = await Say("确认提交");

        Assert.Equal(ReplyKind.CaseFiled, r.Kind);
        Assert.Equal("示例县法律援助中心", r.Office!.Name);
        Assert.Contains("0000-1234567", r.Office.Phone, StringComparison.Ordinal);
        var filed = await _cases.GetAsync(Reference(r), default);
        Assert.NotNull(filed);
        Assert.Equal((CaseKind.LegalAid, "office-legal-aid-center", "示例县/城关镇/东关村"), (filed.Kind, filed.OfficeId, filed.Area));
        Assert.Equal(new Applicant("张三", "13812345678", "老板拖欠我三个月工资，一共一万二"), filed.Applicant);
        Assert.Equal("请求支付劳动报酬或工伤事故人身损害赔偿", filed.Details["事项"]);
        Assert.Contains("第四十二条", filed.Details["经济困难审查"], StringComparison.Ordinal);
        Assert.Equal(IntakeTexts.ConsentVersion, filed.ConsentVersion);

        // The same confirmation again files nothing new.
        r = await Say("确认提交");
        Assert.Contains("不会重复提交", r.Lead, StringComparison.Ordinal);
        Assert.Single(await _cases.ListAsync(new CaseQuery(), default));
    }

    [Theory]
    [InlineData("name", "123", IntakeTexts.NameInvalid)]
    [InlineData("mobile", "12345", IntakeTexts.MobileInvalid)]
    [InlineData("mobile", "电话是 2381234567", IntakeTexts.MobileInvalid)]
    [InlineData("description", "欠钱", IntakeTexts.DescriptionTooShort)]
    [InlineData("matter", "随便", IntakeTexts.ChooseFromOptions)]
    public async Task Every_invalid_answer_is_asked_again_with_the_reason(string step, string answer, string message)
    {
        await Say("我要申请法律援助");
        var steps = new[] { ("matter", "1"), ("migrant", "是"), ("area", "青山乡石桥村"), ("name", "李四"), ("mobile", "13900001111"), ("description", "老板不发工资") };
        foreach (var (s, a) in steps)
        {
            if (s == step) break;
            await Say(a);
        }
        var r = await Say(answer);
        Assert.Equal(ReplyKind.Intake, r.Kind);
        Assert.StartsWith(message, r.Lead, StringComparison.Ordinal);
        var state = await _store.GetStateAsync("c1", default);
        Assert.Equal(step, state!.Dialog!.Step);
    }

    [Fact]
    public async Task Mediation_asks_back_for_an_ambiguous_village_and_routes_to_that_committee()
    {
        var r = await Say("我想申请调解，邻居家漏水到我家");
        Assert.Contains("已记录纠纷类型：邻里纠纷", r.Lead, StringComparison.Ordinal);
        r = await Say("邻居");
        r = await Say("新村");
        Assert.Contains("有好几个地方", r.Lead, StringComparison.Ordinal);
        Assert.Equal(["河东镇新村", "青山乡新村"], r.Actions.Take(2).Select(a => a.Title));
        r = await Say("2");
        Assert.Contains("青山乡人民调解委员会受理", r.Lead, StringComparison.Ordinal);
        await Say("王五");
        await Say("+86 13700002222");
        await Say("邻居家水管漏水，泡坏了我家墙，协商不成");
        await Say("同意");
        r = await Say("确认");
        Assert.Equal(ReplyKind.CaseFiled, r.Kind);
        var c = await _cases.GetAsync(Reference(r), default);
        Assert.Equal(("office-mediation-qingshan", "示例县/青山乡/新村", "邻居"), (c!.OfficeId, c.Area, c.Details["对方与申请人关系"]));
        Assert.StartsWith("TJ-", c.Reference, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_ambiguous_place_in_the_first_message_is_offered_back_and_a_town_picks_its_village()
    {
        var r = await Say("我住新村，想申请调解，邻居占了我家宅基地");
        Assert.Contains("已记录纠纷类型：土地宅基地纠纷", r.Lead, StringComparison.Ordinal);
        r = await Say("邻居");
        Assert.Equal(["河东镇新村", "青山乡新村"], r.Actions.Take(2).Select(a => a.Title));
        r = await Say("青山乡的");
        Assert.Contains("青山乡人民调解委员会受理", r.Lead, StringComparison.Ordinal);
        Assert.Equal("示例县/青山乡/新村", (await _store.GetStateAsync("c1", default))!.Dialog!.Fields[IntakeSteps.Location]);
    }

    [Fact]
    public async Task A_village_committee_takes_its_own_disputes_and_the_county_takes_medical_ones()
    {
        var r = await Say("我是东关村的，想申请人民调解，和邻居闹矛盾了", "v1");
        Assert.Contains("东关村人民调解委员会受理", r.Lead, StringComparison.Ordinal);

        await Say("帮我调解一下，医院手术出了问题", "m1");
        await Say("商家或单位", "m1");
        r = await Say("东关村", "m1");
        Assert.Contains("示例县医疗纠纷人民调解委员会受理", r.Lead, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_question_in_the_middle_is_answered_then_the_dialog_resumes_where_it_was()
    {
        await Say("我要申请法律援助");
        await Say("讨薪或工伤");
        var replies = await SayAll("申请法律援助要带什么材料？");
        Assert.Equal(ReplyKind.Answer, replies[0].Kind);
        Assert.Equal(IntakeTexts.ResumeOffer, replies[^1].Lead);
        Assert.Equal(["继续申请", "取消申请"], replies[^1].Actions.Select(a => a.Title));

        var r = await Say("继续申请");
        Assert.Contains("外出（进城）务工人员", r.Lead, StringComparison.Ordinal);
        Assert.Equal("migrant", (await _store.GetStateAsync("c1", default))!.Dialog!.Step);

        r = await Say("取消");
        Assert.Equal(IntakeTexts.Cancelled, r.Lead);
        Assert.Null((await _store.GetStateAsync("c1", default))!.Dialog);
        Assert.Empty(await _cases.ListAsync(new CaseQuery(), default));
    }

    [Fact]
    public async Task Refusing_consent_files_nothing_and_names_the_office_to_visit()
    {
        await Say("我想申请法律援助，我被家暴了");
        var r = await Say("河东镇");
        Assert.Contains("第三十二条", (await _store.GetStateAsync("c1", default))!.Dialog!.Fields[IntakeSteps.Exemption], StringComparison.Ordinal);
        await Say("赵六");
        await Say("13600003333");
        await Say("丈夫经常打我，我想离婚");
        r = await Say("不同意");
        Assert.Contains("不会在线提交", r.Lead, StringComparison.Ordinal);
        Assert.Equal("示例县法律援助中心", r.Office!.Name);
        Assert.Empty(await _cases.ListAsync(new CaseQuery(), default));
    }

    [Fact]
    public async Task Edit_from_the_confirmation_changes_one_field_and_returns_to_it()
    {
        foreach (var t in new[] { "我要申请法律援助", "国家赔偿", "都不是", "城关镇", "孙七", "13500004444", "被错误羁押要求国家赔偿", "同意" }) await Say(t);
        var r = await Say("修改");
        Assert.Contains(r.Actions, a => a.Title == "手机号码");
        r = await Say("手机号码");
        Assert.Contains("手机", r.Lead, StringComparison.Ordinal);
        r = await Say("13500005555");
        Assert.Contains(r.Notes, n => n == "· 手机号码：13500005555");
        Assert.Contains(r.Notes, n => n.Contains("需要如实说明经济困难状况", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_confirmation_retried_after_a_crash_finds_the_case_already_filed()
    {
        foreach (var t in new[] { "我要申请法律援助", "8", "4", "城关镇", "周八", "13400006666", "邻居侵占我家院子" }) await Say(t);
        await Say("同意");
        var beforeConfirm = (await _store.GetStateAsync("c1", default))!;
        var first = await Say("确认提交");
        // The process died after filing but before the conversation state was saved: the old state comes back.
        await _store.SaveStateAsync(beforeConfirm, default);
        var again = await Say("确认提交");
        Assert.Equal(ReplyKind.CaseFiled, again.Kind);
        Assert.Equal(Reference(first), Reference(again));
        Assert.Single(await _cases.ListAsync(new CaseQuery(), default));
    }

    [Fact]
    public async Task Progress_is_shown_only_after_the_last_four_digits_of_the_phone()
    {
        foreach (var t in new[] { "我要申请法律援助", "1", "是", "城关镇", "吴九", "13300007777", "工地欠薪半年", "同意" }) await Say(t);
        var reference = Reference(await Say("确认提交"));
        await _cases.ChangeStatusAsync(reference, CaseStatus.Claimed, "worker", null, default);

        var r = await Say("查询进度 " + reference.ToLowerInvariant(), "other");
        Assert.Equal(IntakeTexts.StatusAskPhone, r.Lead);
        r = await Say("1234", "other");
        Assert.Equal(IntakeTexts.StatusNoMatch, r.Lead);
        r = await Say("7777", "other");
        Assert.Equal(ReplyKind.CaseStatus, r.Kind);
        Assert.Contains("工作人员已受理", r.Lead, StringComparison.Ordinal);
        Assert.Equal("示例县法律援助中心", r.Office!.Name);

        await Say("查询进度", "third");
        await Say(reference, "third");
        foreach (var wrong in new[] { "0000", "1111" }) await Say(wrong, "third");
        r = await Say("2222", "third");
        Assert.Equal(IntakeTexts.StatusLocked, r.Lead);
        Assert.Null((await _store.GetStateAsync("third", default))!.Dialog);
    }

    [Fact]
    public async Task Guessing_the_phone_digits_from_new_conversations_locks_the_reference_and_an_unknown_reference_sounds_the_same()
    {
        foreach (var t in new[] { "我要申请法律援助", "1", "是", "城关镇", "钱七", "13300004321", "工地欠薪半年没有发", "同意" }) await Say(t);
        var reference = Reference(await Say("确认提交"));

        // Each guess from a fresh conversation and a fresh user: only the per-reference count can stop it.
        for (var i = 0; i < 5; i++)
        {
            var user = "guesser-" + i;
            await _engine.HandleAsync(new InboundMessage("g" + i, user, "test", "查询进度 " + reference), CancellationToken.None);
            var wrong = (await _engine.HandleAsync(new InboundMessage("g" + i, user, "test", (1000 + i).ToString(System.Globalization.CultureInfo.InvariantCulture)), CancellationToken.None))[^1];
            Assert.Contains(wrong.Lead, new[] { IntakeTexts.StatusNoMatch, IntakeTexts.StatusLocked });
        }
        await _engine.HandleAsync(new InboundMessage("owner", "owner", "test", "查询进度 " + reference), CancellationToken.None);
        var locked = (await _engine.HandleAsync(new InboundMessage("owner", "owner", "test", "4321"), CancellationToken.None))[^1];
        Assert.Equal(IntakeTexts.StatusLocked, locked.Lead);
        Assert.Equal(5, (await _cases.CountStatusCheckFailuresAsync(reference, "", DateTimeOffset.UtcNow.AddDays(-1), default)).ForReference);

        await _engine.HandleAsync(new InboundMessage("n", "n", "test", "查询进度 TJ-260101-AAAA"), CancellationToken.None);
        var unknown = (await _engine.HandleAsync(new InboundMessage("n", "n", "test", "4321"), CancellationToken.None))[^1];
        Assert.Equal(IntakeTexts.StatusNoMatch, unknown.Lead);
    }

    [Fact]
    public async Task A_place_is_not_taken_for_a_name_and_an_applicant_from_elsewhere_is_told_where_to_go()
    {
        foreach (var t in new[] { "我要申请法律援助", "1", "是", "城关镇" }) await Say(t);
        var r = await Say("东关村");
        Assert.Equal(IntakeTexts.NameIsPlace("东关村"), r.Lead.Split('\n')[0]);
        Assert.NotEqual(IntakeTexts.NameIsPlace("周八"), (await Say("周八")).Lead.Split('\n')[0]);

        foreach (var t in new[] { "我要申请法律援助", "1", "是" }) await Say(t, "c2");
        var outside = await Say("我在外省打工，不在本县", "c2");
        Assert.Equal(IntakeTexts.OutsideCountyLegalAid, outside.Lead);
        Assert.Contains("第三十八条", outside.Lead, StringComparison.Ordinal);
        Assert.Null((await _store.GetStateAsync("c2", default))!.Dialog);
    }

    [Fact]
    public async Task Dialog_state_with_personal_data_is_encrypted_at_rest()
    {
        foreach (var t in new[] { "我要申请法律援助", "1", "是", "城关镇", "郑十", "13200008888" }) await Say(t);
        await using var c = new Microsoft.Data.Sqlite.SqliteConnection("Data Source=" + Path.Combine(_data, "state.db"));
        await c.OpenAsync();
        await using var cmd = c.CreateCommand();
        cmd.CommandText = "SELECT state FROM conversation_state WHERE conversation_id = 'c1'";
        var raw = (string)(await cmd.ExecuteScalarAsync())!;
        Assert.StartsWith("v1.", raw, StringComparison.Ordinal);
        Assert.DoesNotContain("13200008888", raw, StringComparison.Ordinal);
        Assert.Equal("13200008888", (await _store.GetStateAsync("c1", default))!.Dialog!.Fields[IntakeSteps.Mobile]);
    }

    [Fact]
    public async Task Consult_answers_on_notary_show_the_office_card_and_how_to_questions_do_not_start_a_dialog()
    {
        var r = (await SayAll("办理公证要带什么材料"))[0];
        Assert.Equal(ReplyKind.Answer, r.Kind);
        Assert.Equal("示例县公证处", r.Office?.Name);
        r = (await SayAll("怎么申请法律援助"))[0];
        Assert.Equal(ReplyKind.Answer, r.Kind);
        Assert.Null((await _store.GetStateAsync("c1", default))!.Dialog);
    }
}
