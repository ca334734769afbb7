using System.Text;
using LegalBot.Knowledge.Documents;
using LegalBot.Knowledge.Offices;
using Xunit;

namespace LegalBot.Knowledge.Tests;

public class OfficeDirectoryTests
{
    private static readonly Lazy<Task<OfficeDirectory>> Demo = new(async () =>
    {
        using var kb = await KnowledgeBase.OpenAsync(Path.Combine(TestPaths.RepoRoot, "knowledge"), null);
        await kb.RefreshAsync(CancellationToken.None);
        return kb.Offices;
    });

    private static IReadOnlyList<KnowledgeDiagnostic> Check(string frontMatter)
    {
        var text = "---\n" + frontMatter + "\n---\n\n# 机构\n\n简介。\n";
        return MarkdownDocumentParser.Parse("offices/x.md", Encoding.UTF8.GetBytes(text)).Diagnostics;
    }

    [Fact]
    public async Task Demo_directory_has_every_service_and_the_county_gazetteer()
    {
        var d = await Demo.Value;
        foreach (var s in OfficeServices.All) Assert.NotNull(d.FindOffice(s, new Area("示例县", "城关镇")));
        Assert.Equal(["城关镇", "河东镇", "青山乡"], d.TownsOf("示例县").Select(a => a.Town));
        Assert.True(d.Offices.All(o => o.Demo));
    }

    [Theory]
    [InlineData("我在城关镇", "示例县/城关镇")]
    [InlineData("东关村的", "示例县/城关镇/东关村")]
    [InlineData("我是东关的", "示例县/城关镇/东关村")]
    [InlineData("住在县城西关社区", "示例县/城关镇/西关社区")]
    [InlineData("河东镇新村", "示例县/河东镇/新村")]
    [InlineData("青山乡 新村", "示例县/青山乡/新村")]
    public async Task Resolves_a_place_from_everyday_words(string text, string expected)
    {
        var lookup = (await Demo.Value).Resolve(text);
        Assert.Equal(AreaLookupOutcome.Found, lookup.Outcome);
        Assert.Equal(expected, lookup.Area!.ToString());
    }

    [Fact]
    public async Task Asks_back_when_a_village_name_exists_in_two_towns_or_only_the_county_is_named()
    {
        var d = await Demo.Value;
        var ambiguous = d.Resolve("我住新村");
        Assert.Equal(AreaLookupOutcome.Ambiguous, ambiguous.Outcome);
        Assert.Equal(["示例县/河东镇/新村", "示例县/青山乡/新村"], ambiguous.Candidates.Select(a => a.ToString()));

        var coarse = d.Resolve("示例县的");
        Assert.Equal(AreaLookupOutcome.TooCoarse, coarse.Outcome);
        Assert.Equal(3, coarse.Candidates.Count);
        Assert.Equal(AreaLookupOutcome.Found, d.Resolve("示例县的", OfficeScope.County).Outcome);

        Assert.Equal(AreaLookupOutcome.Unknown, d.Resolve("我在火星").Outcome);
        Assert.Equal(AreaLookupOutcome.Ambiguous, d.Resolve("城关镇和河东镇都有").Outcome);
    }

    [Theory]
    [InlineData("示例县/城关镇/东关村", "邻里纠纷", "office-mediation-dongguan")]
    [InlineData("示例县/城关镇/东关村", "合同债务纠纷", "office-mediation-chengguan")]
    [InlineData("示例县/城关镇/西关社区", "邻里纠纷", "office-mediation-chengguan")]
    [InlineData("示例县/河东镇/新村", "婚姻家庭纠纷", "office-mediation-hedong")]
    [InlineData("示例县/青山乡", "医疗纠纷", "office-mediation-medical")]
    public async Task Mediation_goes_to_the_most_local_committee_that_takes_the_dispute(string place, string dispute, string office)
    {
        var parts = place.Split('/');
        var area = new Area(parts[0], parts.ElementAtOrDefault(1), parts.ElementAtOrDefault(2));
        Assert.Equal(office, (await Demo.Value).FindOffice(OfficeServices.Mediation, area, dispute)?.Id);
    }

    [Fact]
    public async Task Legal_aid_anywhere_in_the_county_goes_to_the_county_centre_and_nowhere_else()
    {
        var d = await Demo.Value;
        Assert.Equal("office-legal-aid-center", d.FindOffice(OfficeServices.LegalAid, new Area("示例县", "青山乡", "石桥村"))?.Id);
        Assert.Equal("office-legal-aid-center", d.FindOffice(OfficeServices.LegalAid, null)?.Id);
        Assert.Null(d.FindOffice(OfficeServices.LegalAid, new Area("别的县")));
    }

    [Theory]
    [InlineData("services: [legal-aid]\naddress: a\nphone: '1'\nhours: h", 2, "office needs 'jurisdiction'")]
    [InlineData("services: [lawyer]\njurisdiction: {county: 县}\naddress: a\nphone: '1'\nhours: h", 3, "unknown service 'lawyer'")]
    [InlineData("services: [legal-aid]\njurisdiction: {county: 县}\naddress: a\nhours: h", 2, "office is missing 'phone'")]
    [InlineData("services: [legal-aid]\njurisdiction: {county: 县}\naddress: a\nphone: 无\nhours: h", 6, "'phone' has no digits")]
    [InlineData("services: [mediation]\njurisdiction:\n  county: 县\n  scope: village\n  towns: [镇]\naddress: a\nphone: '1'\nhours: h", 6, "scope is village but no 'villages'")]
    [InlineData("services: [mediation]\njurisdiction:\n  county: 县\n  scope: city\naddress: a\nphone: '1'\nhours: h", 6, "unknown scope 'city'")]
    [InlineData("services: [legal-aid]\njurisdiction: {county: 县}\naddress: a\nphone: '1'\nhours: h\nwebhook: ftp://x", 8, "'webhook' is not an http(s) URL")]
    public void Check_reports_office_problems_with_their_line(string fields, int line, string message)
    {
        var diagnostics = Check("kind: office\n" + fields);
        var d = Assert.Single(diagnostics);
        Assert.Equal(line, d.Line);
        Assert.Contains(message, d.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_broken_office_edit_keeps_the_last_good_entry_serving()
    {
        using var k = new TempKnowledge();
        const string good = "---\nkind: office\nid: o1\ntitle: 甲镇调解委员会\nservices: [mediation]\njurisdiction:\n  county: 县\n  towns: [甲镇]\naddress: 甲镇 1 号\nphone: '0000-1'\nhours: 全天\n---\n\n# 甲镇调解委员会\n\n调解纠纷。\n";
        k.Write("offices/o1.md", good);
        using var kb = await KnowledgeBase.OpenAsync(k.Folder, k.Data);
        await kb.RefreshAsync(CancellationToken.None);
        Assert.Equal("甲镇 1 号", kb.Offices.FindOffice(OfficeServices.Mediation, new Area("县", "甲镇"))?.Address);

        k.Write("offices/o1.md", good.Replace("services: [mediation]", "services: [nonsense]", StringComparison.Ordinal).Replace("甲镇 1 号", "甲镇 2 号", StringComparison.Ordinal));
        var report = await kb.RefreshAsync(CancellationToken.None);
        Assert.Contains(report.Diagnostics, d => d.Path == "offices/o1.md" && d.Line == 5);
        Assert.Equal("甲镇 1 号", kb.Offices.FindOffice(OfficeServices.Mediation, new Area("县", "甲镇"))?.Address);

        using var reopened = await KnowledgeBase.OpenAsync(k.Folder, k.Data);
        Assert.Equal("o1", Assert.Single(reopened.Offices.Offices).Id);
    }
}
