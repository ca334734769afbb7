using LegalBot.Knowledge.Site;
using Xunit;

namespace LegalBot.Knowledge.Tests;

public class SiteSettingsTests
{
    [Fact]
    public void ReadsTheCountysValues()
    {
        var (site, problems) = SiteSettings.Parse("---\nkind: site\nassistant: 某县法援小助手\nresponse_time: 3 个工作日内\nprimary_colour: \"#123ABC\"\ntopics: [申请法律援助, 查询进度]\n---\n# x\n");
        Assert.Empty(problems);
        Assert.Equal("某县法援小助手", site.AssistantName);
        Assert.Equal("某县法援小助手", site.PageTitle);
        Assert.Equal("3 个工作日内", site.ResponseTime);
        Assert.Equal("#123abc", site.PrimaryColour);
        Assert.Equal(["申请法律援助", "查询进度"], site.Topics);
    }

    [Fact]
    public void BadValuesAreProblemsAtTheirLineAndKeepTheDefaults()
    {
        var (site, problems) = SiteSettings.Parse("---\nkind: site\nprimary_colour: red\ncolour: \"#000000\"\nlogo: ../secret.png\n---\n");
        Assert.Equal(SiteSettings.Default.PrimaryColour, site.PrimaryColour);
        Assert.Null(site.Logo);
        Assert.Contains(problems, p => p.Line == 3 && p.Message.Contains("#rrggbb"));
        Assert.Contains(problems, p => p.Line == 4 && p.Message.Contains("unknown setting 'colour'"));
        Assert.Contains(problems, p => p.Line == 5 && p.Message.Contains("inside the knowledge folder"));
    }

    [Fact]
    public void TheKindMustBeSite()
    {
        var (_, problems) = SiteSettings.Parse("---\nkind: guide\n---\n");
        Assert.Contains(problems, p => p.Message.Contains("kind: site"));
    }
}
