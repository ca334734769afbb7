using Microsoft.SemanticKernel;
using Microsoft.SemanticKernel.ChatCompletion;
using Microsoft.SemanticKernel.Connectors.OpenAI;

namespace LegalBot.Conversation.Answering.Grounded;

/// <summary>An OpenAI-compatible chat endpoint (Qwen, DeepSeek … behind vLLM or a cloud API).</summary>
/// <param name="Endpoint">Base URL including the API version path, e.g. http://models:8000/v1.</param>
/// <param name="PromptDirectory">Folder with grounded-answer.system.txt and grounded-answer.user.txt.</param>
public sealed record LlmSettings(Uri Endpoint, string Model, string? ApiKey = null, string? PromptDirectory = null,
    double Temperature = 0.1, int MaxTokens = 600)
{
    public static string DefaultPromptDirectory => Path.Combine(AppContext.BaseDirectory, "Prompts");

    public IEnumerable<string> Problems()
    {
        if (!Endpoint.IsAbsoluteUri || (Endpoint.Scheme != Uri.UriSchemeHttp && Endpoint.Scheme != Uri.UriSchemeHttps)) yield return "Llm:Endpoint must be an http(s) URL";
        if (string.IsNullOrWhiteSpace(Model)) yield return "Llm:Model is required";
        var dir = PromptDirectory ?? DefaultPromptDirectory;
        foreach (var file in new[] { KernelAnswerWriter.SystemFile, KernelAnswerWriter.UserFile })
        {
            if (!File.Exists(Path.Combine(dir, file))) yield return $"prompt template {Path.Combine(dir, file)} is missing";
        }
    }
}

/// <summary>
/// <see cref="IAnswerWriter"/> with Semantic Kernel: a Kernel with the OpenAI chat connector pointed at a
/// custom endpoint, the prompt rendered from template files by SK's prompt-template engine.
/// </summary>
public sealed class KernelAnswerWriter : IAnswerWriter
{
    public const string SystemFile = "grounded-answer.system.txt", UserFile = "grounded-answer.user.txt";

    private readonly Kernel _kernel;
    private readonly string _system;
    private readonly IPromptTemplate _user;
    private readonly LlmSettings _settings;

    private KernelAnswerWriter(Kernel kernel, string system, IPromptTemplate user, LlmSettings settings)
    {
        _kernel = kernel;
        _system = system;
        _user = user;
        _settings = settings;
    }

    /// <param name="httpClient">The client the connector sends with (its timeout is the outer bound; the per-channel deadline is shorter).</param>
    public static async Task<KernelAnswerWriter> CreateAsync(LlmSettings settings, HttpClient httpClient, CancellationToken cancellationToken)
    {
        var dir = settings.PromptDirectory ?? LlmSettings.DefaultPromptDirectory;
        var system = await File.ReadAllTextAsync(Path.Combine(dir, SystemFile), cancellationToken).ConfigureAwait(false);
        var userTemplate = await File.ReadAllTextAsync(Path.Combine(dir, UserFile), cancellationToken).ConfigureAwait(false);
        var kernel = Kernel.CreateBuilder()
            .AddOpenAIChatCompletion(settings.Model, settings.Endpoint, settings.ApiKey is { Length: > 0 } key ? key : "none", httpClient: httpClient)
            .Build();
        // SK HTML-encodes variables by default (to protect <message> tags in chat prompts): the statute text
        // would reach the model as "示例县&#183;…". The rendered text is sent as one user message, never parsed
        // as a chat prompt, so the values go in as they are.
        var user = new KernelPromptTemplateFactory { AllowDangerouslySetContent = true }.Create(new PromptTemplateConfig(userTemplate));
        return new KernelAnswerWriter(kernel, system, user, settings);
    }

    public async Task<string> WriteAsync(string question, IReadOnlyList<GroundingSource> sources, CancellationToken cancellationToken)
    {
        var prompt = await _user.RenderAsync(_kernel, new KernelArguments
        {
            ["sources"] = GroundedAnswerer.FormatSources(sources),
            ["question"] = question,
        }, cancellationToken).ConfigureAwait(false);
        var history = new ChatHistory();
        history.AddSystemMessage(_system);
        history.AddUserMessage(prompt);
        var chat = _kernel.GetRequiredService<IChatCompletionService>();
        var reply = await chat.GetChatMessageContentAsync(history,
            new OpenAIPromptExecutionSettings { Temperature = _settings.Temperature, MaxTokens = _settings.MaxTokens },
            _kernel, cancellationToken).ConfigureAwait(false);
        return reply.Content ?? "";
    }
}
