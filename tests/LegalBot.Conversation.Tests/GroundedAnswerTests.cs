using LegalBot.Conversation.Answering.Grounded;
using LegalBot.Conversation.State;
using LegalBot.Knowledge;
using LegalBot.Knowledge.Tests;
using LegalBot.Tests.Fakes;
using Moq;

namespace LegalBot.Conversation.Tests;

/// <summary>
/// The optional LLM path: orchestration with a mocked writer, citation checks, deadlines, the engine's
/// fallback to the extractive answer, and the Semantic Kernel writer against a local OpenAI-compatible server.
/// </summary>
public sealed class GroundedAnswerTests : IAsyncLifetime
{
    private const string Question = "哪些事项因经济困难可以申请法律援助？";
    private readonly TempKnowledge _k = new();
    private KnowledgeBase _kb = null!;

    public async Task InitializeAsync()
    {
        _k.Write("laws/示例法.md", Samples.Statute);
        _k.Write("guides/legal-aid.md", Samples.Guide);
        _kb = await KnowledgeBase.OpenAsync(_k.Folder, null);
        await _kb.RefreshAsync(CancellationToken.None);
    }

    public Task DisposeAsync()
    {
        _kb.Dispose();
        _k.Dispose();
        return Task.CompletedTask;
    }

    private async Task<IReadOnlyList<GroundingSource>> SourcesAsync() =>
        GroundedAnswerer.Number((await _kb.SearchAsync(Question)).Hits, 4);

    private static GroundedAnswerer Answerer(IAnswerWriter writer, double webSeconds = 8) =>
        new(writer, GroundingSettings.Default with { WebDeadline = TimeSpan.FromSeconds(webSeconds) });

    [Fact]
    public async Task A_supported_answer_passes_and_reads_with_its_sources_inline()
    {
        var sources = await SourcesAsync();
        Assert.Equal("第三条", sources[0].Hit.Chunk.ArticleLabel);
        var outcome = CitationVerifier.Verify("请求支付劳动报酬的，可以申请法律援助[1]。依据《中华人民共和国示例法》第三条。", sources);
        Assert.Null(outcome.Rejection);
        Assert.Equal([1], outcome.Answer!.Cited.Select(s => s.Number));
        Assert.Equal("请求支付劳动报酬的，可以申请法律援助（《中华人民共和国示例法》第三条）。依据《中华人民共和国示例法》第三条。",
            CitationVerifier.Inline(outcome.Answer));
    }

    [Theory]
    [InlineData("可以申请法律援助[7]。", "[7]")]
    [InlineData("可以申请法律援助。", "no citation")]
    [InlineData("依据第九十九条，可以申请[1]。", "第九十九条")]
    [InlineData("依据第99条，可以申请[1]。", "第九十九条")]
    [InlineData("依据《中华人民共和国刑法》，可以申请[1]。", "《中华人民共和国刑法》")]
    [InlineData("", "empty")]
    public async Task Unsupported_answers_are_rejected(string answer, string reason)
    {
        var outcome = CitationVerifier.Verify(answer, await SourcesAsync());
        Assert.Null(outcome.Answer);
        Assert.Contains(reason, outcome.Rejection, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_writer_gets_numbered_sources_and_failures_or_slowness_fall_back()
    {
        var hits = (await _kb.SearchAsync(Question)).Hits;
        var writer = new Mock<IAnswerWriter>();
        writer.Setup(w => w.WriteAsync(Question, It.Is<IReadOnlyList<GroundingSource>>(s => s.Count == 4 && s[0].Number == 1), It.IsAny<CancellationToken>()))
            .ReturnsAsync("可以申请[1]。");
        var ok = await Answerer(writer.Object).TryAnswerAsync(Question, hits, "webchat", CancellationToken.None);
        Assert.NotNull(ok.Answer);

        writer.Setup(w => w.WriteAsync(It.IsAny<string>(), It.IsAny<IReadOnlyList<GroundingSource>>(), It.IsAny<CancellationToken>()))
            .ThrowsAsync(new HttpRequestException("connection refused"));
        var failed = Answerer(writer.Object);
        Assert.Contains("connection refused", (await failed.TryAnswerAsync(Question, hits, "webchat", CancellationToken.None)).Rejection, StringComparison.Ordinal);
        Assert.Equal((0, 1), failed.Counts);

        // A hung model: the per-channel deadline cancels it (WeChat's is the short one).
        writer.Setup(w => w.WriteAsync(It.IsAny<string>(), It.IsAny<IReadOnlyList<GroundingSource>>(), It.IsAny<CancellationToken>()))
            .Returns(async (string _, IReadOnlyList<GroundingSource> _, CancellationToken ct) => { await Task.Delay(TimeSpan.FromSeconds(30), ct); return "[1]"; });
        var slow = new GroundedAnswerer(writer.Object, new GroundingSettings(TimeSpan.FromSeconds(30), TimeSpan.FromMilliseconds(200)));
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var late = await slow.TryAnswerAsync(Question, hits, "wechat", CancellationToken.None);
        Assert.Contains("deadline", late.Rejection, StringComparison.Ordinal);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), clock.Elapsed.ToString());
    }

    [Fact]
    public async Task The_engine_uses_a_verified_answer_and_never_a_fabricated_citation()
    {
        var writer = new Mock<IAnswerWriter>();
        var engine = new ConversationEngine(() => _kb.View, await SqliteConversationStore.OpenAsync(Path.Combine(_k.Data, "s.db"), CancellationToken.None),
            EngineOptions.Default, TimeProvider.System, grounded: Answerer(writer.Object));
        InboundMessage Msg() => new("c1", "u1", "webchat", Question);

        writer.Setup(w => w.WriteAsync(It.IsAny<string>(), It.IsAny<IReadOnlyList<GroundingSource>>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync("请求支付劳动报酬的当事人可以申请法律援助[1]。");
        var written = Assert.Single(await engine.HandleAsync(Msg(), CancellationToken.None));
        Assert.Equal("请求支付劳动报酬的当事人可以申请法律援助（《中华人民共和国示例法》第三条）。", written.Lead);
        Assert.Null(written.Quote);
        Assert.Equal(["第三条"], written.Citations.Select(c => c.Location));
        Assert.Contains(ConversationTexts.WrittenAnswerNote, written.Notes);

        // Cites a source that was not retrieved: the citizen gets the extractive answer instead.
        writer.Setup(w => w.WriteAsync(It.IsAny<string>(), It.IsAny<IReadOnlyList<GroundingSource>>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync("根据《中华人民共和国示例法》第三条[1]和第八十八条[9]，可以申请。");
        var fallback = Assert.Single(await engine.HandleAsync(Msg(), CancellationToken.None));
        Assert.Equal("根据《中华人民共和国示例法》第三条的规定：", fallback.Lead);
        Assert.StartsWith("第三条 下列事项的当事人", fallback.Quote, StringComparison.Ordinal);
        Assert.DoesNotContain(ConversationTexts.WrittenAnswerNote, fallback.Notes);
        Assert.DoesNotContain("第八十八条", fallback.Lead + fallback.Quote, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_Semantic_Kernel_writer_speaks_the_OpenAI_chat_format_and_a_fabricated_citation_falls_back()
    {
        await using var fake = await FakeOpenAi.StartAsync();
        var dir = Path.Combine(AppContext.BaseDirectory, "Prompts");
        Assert.True(File.Exists(Path.Combine(dir, KernelAnswerWriter.SystemFile)), "prompt templates are copied next to the binaries");
        using var http = new HttpClient();
        var writer = await KernelAnswerWriter.CreateAsync(new LlmSettings(fake.Endpoint, "qwen2.5-7b-instruct", "sk-test"), http, CancellationToken.None);
        var hits = (await _kb.SearchAsync(Question)).Hits;

        fake.ChatReply = "请求支付劳动报酬的，可以申请法律援助[1]。";
        var good = await Answerer(writer).TryAnswerAsync(Question, hits, "webchat", CancellationToken.None);
        Assert.NotNull(good.Answer);

        var request = fake.Requests.Single(r => r.Path == "chat").Body;
        Assert.Equal("qwen2.5-7b-instruct", request["model"]!.GetValue<string>());
        var messages = request["messages"]!.AsArray();
        Assert.Equal(["system", "user"], messages.Select(m => m!["role"]!.GetValue<string>()));
        Assert.Contains("只能依据", messages[0]!["content"]!.GetValue<string>(), StringComparison.Ordinal);
        var user = messages[1]!["content"]!.GetValue<string>();
        Assert.Contains("[1] 《中华人民共和国示例法》第三条", user, StringComparison.Ordinal);
        Assert.Contains(Question, user, StringComparison.Ordinal);
        Assert.Equal(0.1, request["temperature"]!.GetValue<double>(), 3);

        // Sources and question reach the model as written, not HTML-encoded.
        await writer.WriteAsync("张三·李四 <同事> 没钱请律师怎么办", GroundedAnswerer.Number(hits, 2), CancellationToken.None);
        var raw = fake.Requests.Last(r => r.Path == "chat").Body["messages"]!.AsArray()[1]!["content"]!.GetValue<string>();
        Assert.True(raw.Contains("张三·李四 <同事>", StringComparison.Ordinal), raw);
        Assert.DoesNotContain("&#", raw, StringComparison.Ordinal);

        fake.ChatReply = "依据《中华人民共和国劳动法》第五十条[2]，用人单位应当按月支付工资[5]。";
        var fabricated = await Answerer(writer).TryAnswerAsync(Question, hits, "webchat", CancellationToken.None);
        Assert.Null(fabricated.Answer);

        fake.ChatDelay = TimeSpan.FromSeconds(10);
        var slow = await Answerer(writer, webSeconds: 0.3).TryAnswerAsync(Question, hits, "webchat", CancellationToken.None);
        Assert.Contains("deadline", slow.Rejection, StringComparison.Ordinal);
    }
}
