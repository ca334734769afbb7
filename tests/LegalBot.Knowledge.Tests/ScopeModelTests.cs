using System.Text.Json;
using LegalBot.Knowledge.Search;

namespace LegalBot.Knowledge.Tests;

/// <summary>
/// The scope check learned from the repository's knowledge folder, judged on our own sets (tests/data), none of
/// whose messages is among the training examples: everyday messages fall below the decline threshold, citizens'
/// legal questions stay above it. The floors are what is met now.
/// </summary>
public sealed class ScopeModelTests : IAsyncLifetime
{
    private KnowledgeBase _kb = null!;

    public async Task InitializeAsync()
    {
        _kb = await KnowledgeBase.OpenAsync(Path.Combine(TestPaths.RepoRoot, "knowledge"), null);
        await _kb.RefreshAsync(CancellationToken.None);
    }

    public Task DisposeAsync()
    {
        _kb.Dispose();
        return Task.CompletedTask;
    }

    private static IEnumerable<(string Question, string[] Route)> Load(string file) =>
        File.ReadLines(Path.Combine(TestPaths.RepoRoot, "tests", "data", file)).Where(l => l.Trim().Length > 0)
            .Select(l => JsonDocument.Parse(l).RootElement)
            .Select(e => (e.GetProperty("question").GetString()!,
                e.TryGetProperty("route", out var r) ? r.EnumerateArray().Select(x => x.GetString()!).ToArray() : []));

    [Fact]
    public void Everyday_messages_are_out_of_scope()
    {
        Assert.True(_kb.View.Scope.Trained);
        var everyday = Load("out-of-scope.jsonl").Concat(Load("non-emergency.jsonl")).Concat(Load("non-emergency-2.jsonl"))
            .Where(q => q.Route.Contains("out-of-scope")).Select(q => q.Question).ToList();
        var declined = everyday.Count(q => _kb.View.Scope.IsEveryday(q));
        Assert.True(everyday.Count >= 30, $"{everyday.Count} everyday messages");
        Assert.True(declined >= everyday.Count * 0.6, $"{declined} of {everyday.Count} below the threshold");
    }

    [Fact]
    public void Citizens_legal_questions_are_in_scope()
    {
        var legal = Load("citizen-dev.jsonl").Select(q => q.Question).ToList();
        var kept = legal.Count(q => !_kb.View.Scope.IsEveryday(q));
        Assert.True(kept >= legal.Count * 0.99, $"{kept} of {legal.Count} kept");
    }

    [Fact]
    public async Task Without_matters_there_is_no_scope_check()
    {
        using var guides = new KnowledgeCopy(withMatters: false);
        using var kb = await KnowledgeBase.OpenAsync(guides.Folder, null);
        await kb.RefreshAsync(CancellationToken.None);
        Assert.False(kb.View.Scope.Trained);
        Assert.Equal(1.0, kb.View.Scope.LegalProbability("今天天气怎么样"));
    }
}
