using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using LegalBot.Cases.Privacy;

namespace LegalBot.Service.Tests;

/// <summary>群众提问 through the real service: an unanswered question is listed, attached to a guide section, and answered from it.</summary>
public sealed class StaffQuestionServiceTests
{
    private const string Key = "questions-service-key";
    private const string Target = "demo-guide-legal-aid#多久能办完";
    private const string Question = "这事儿几天能办好 我电话13812345678";

    private static HttpRequestMessage Staff(HttpMethod method, string path, object? body = null)
    {
        var request = new HttpRequestMessage(method, path) { Content = body is null ? null : JsonContent.Create(body) };
        request.Headers.Add("X-Api-Key", Key);
        return request;
    }

    private static IEnumerable<string> Citations(IEnumerable<JsonElement> replies) =>
        replies.Where(r => r.TryGetProperty("channelData", out _))
            .SelectMany(r => r.GetProperty("channelData").GetProperty("legalbot").GetProperty("citations").EnumerateArray())
            .Select(c => c.GetProperty("id").GetString()!);

    [Fact]
    public async Task An_unanswered_question_attached_to_a_guide_section_is_answered_from_it_within_two_seconds()
    {
        using var workspace = new ServiceWorkspace();
        await using var service = await ServiceProcess.StartAsync(workspace.Knowledge, workspace.Data, new Dictionary<string, string>
        {
            ["Staff__Keys__0__Office"] = "office-legal-aid-center",
            ["Staff__Keys__0__Worker"] = "张老师",
            ["Staff__Keys__0__KeyHash"] = ApiKeys.Hash(Key),
        });
        var dl = new DirectLineClient(service.Http);
        await dl.StartAsync();
        var before = await dl.AskAsync(Question);
        Assert.DoesNotContain(Target, Citations(before));

        // Listed, masked, for a key only.
        using (var anonymous = await service.Http.GetAsync("api/staff/questions")) Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        using var list = await service.Http.SendAsync(Staff(HttpMethod.Get, "api/staff/questions"));
        var groups = await list.Content.ReadFromJsonAsync<JsonElement>();
        var group = groups.EnumerateArray().SingleOrDefault(g => g.GetProperty("question").GetString()!.StartsWith("这事儿几天能办好", StringComparison.Ordinal));
        Assert.True(group.ValueKind == JsonValueKind.Object, "not listed: " + groups + "\nreplies: " + string.Join("\n", before.Select(r => r.ToString())));
        var shown = group.GetProperty("question").GetString()!;
        Assert.DoesNotContain("13812345678", shown, StringComparison.Ordinal);
        Assert.Contains("138****5678", shown, StringComparison.Ordinal);

        // The page's search box finds candidates with their ids.
        using var targets = await service.Http.SendAsync(Staff(HttpMethod.Get, "api/staff/questions/targets?q=" + Uri.EscapeDataString("法律援助多久能办完")));
        Assert.Contains((await targets.Content.ReadFromJsonAsync<JsonElement>()).EnumerateArray(), t => t.GetProperty("documentId").GetString() == Target);

        var clock = Stopwatch.StartNew();
        using var attach = await service.Http.SendAsync(Staff(HttpMethod.Post, "api/staff/questions/attach", new { question = Question, documentId = Target }));
        var attachMs = clock.ElapsedMilliseconds;
        var attached = await attach.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(attach.IsSuccessStatusCode, attached.ToString());
        Assert.Equal("added", attached.GetProperty("status").GetString());
        var after = await dl.AskAsync(Question);
        clock.Stop();
        Assert.Equal(Target, Citations(after).FirstOrDefault());
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(2), $"answered from the section {clock.Elapsed.TotalMilliseconds:F0} ms after attaching (attach {attachMs} ms)\n"
            + string.Join("\n", service.Output.Split('\n').Where(l => l.Contains("indexed", StringComparison.Ordinal))));

        // Masked text in the file, a single added line; the same again changes nothing; a wrong id is a Chinese 404.
        var file = await File.ReadAllTextAsync(Path.Combine(workspace.Knowledge, "guides", "legal-aid.md"));
        Assert.DoesNotContain("13812345678", file, StringComparison.Ordinal);
        Assert.Contains("    - 这事儿几天能办好 我电话138****5678", file, StringComparison.Ordinal);
        using var again = await service.Http.SendAsync(Staff(HttpMethod.Post, "api/staff/questions/attach", new { question = Question, documentId = Target }));
        var duplicate = await again.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("duplicate", duplicate.GetProperty("status").GetString());
        Assert.Contains("已经有这个问法", duplicate.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Equal(file, await File.ReadAllTextAsync(Path.Combine(workspace.Knowledge, "guides", "legal-aid.md")));
        using var missing = await service.Http.SendAsync(Staff(HttpMethod.Post, "api/staff/questions/attach", new { question = Question, documentId = "no-such-doc#x" }));
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        Assert.Contains("没有找到", (await missing.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("error").GetString(), StringComparison.Ordinal);
        Assert.Contains("knowledge edit by 张老师", service.Output, StringComparison.Ordinal);
    }
}
