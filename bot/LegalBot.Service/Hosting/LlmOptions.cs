using LegalBot.Conversation.Answering.Grounded;
using Microsoft.Extensions.Options;

namespace LegalBot.Service.Hosting;

/// <summary>
/// <c>Llm__Endpoint/Model/ApiKey</c>: an optional OpenAI-compatible chat endpoint that writes answers from
/// the retrieved passages. Unset, answers stay extractive (the default; no model needed).
/// </summary>
public sealed class LlmOptions
{
    public const string Section = "Llm";
    public Uri? Endpoint { get; set; }
    public string? Model { get; set; }
    public string? ApiKey { get; set; }
    /// <summary>Folder of the prompt templates; default: Prompts/ next to the binaries.</summary>
    public string? PromptDirectory { get; set; }
    public double WebDeadlineSeconds { get; set; } = 8;
    public double WeChatDeadlineSeconds { get; set; } = 4;
    public int MaxSources { get; set; } = 4;

    public bool Enabled => Endpoint is { OriginalString.Length: > 0 };

    public LlmSettings? ToSettings() => !Enabled ? null : new LlmSettings(Endpoint!, Model ?? "", ApiKey, PromptDirectory);

    public GroundingSettings ToGrounding() =>
        new(TimeSpan.FromSeconds(WebDeadlineSeconds), TimeSpan.FromSeconds(WeChatDeadlineSeconds), MaxSources);
}

public sealed class LlmOptionsValidator : IValidateOptions<LlmOptions>
{
    public ValidateOptionsResult Validate(string? name, LlmOptions options)
    {
        if (!options.Enabled) return ValidateOptionsResult.Success;
        var problems = options.ToSettings()!.Problems().ToList();
        if (options.WebDeadlineSeconds is <= 0 or > 60) problems.Add("Llm:WebDeadlineSeconds must be in (0, 60]");
        if (options.WeChatDeadlineSeconds is <= 0 or > 4.5) problems.Add("Llm:WeChatDeadlineSeconds must be in (0, 4.5] (WeChat waits 5 s)");
        if (options.MaxSources is < 1 or > 10) problems.Add("Llm:MaxSources must be between 1 and 10");
        return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
    }
}
