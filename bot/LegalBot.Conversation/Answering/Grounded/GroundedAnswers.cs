using System.Text;
using System.Text.RegularExpressions;
using LegalBot.Knowledge.Documents;
using LegalBot.Knowledge.Index;
using LegalBot.Knowledge.Text;

namespace LegalBot.Conversation.Answering.Grounded;

/// <summary>One numbered source handed to the model: [Number] 《Title》Location + text.</summary>
public sealed record GroundingSource(int Number, ChunkHit Hit)
{
    /// <summary>《title》 + article label or section path, as Chinese citations read.</summary>
    public string Name => Citation.Of(Hit).Inline;
}

/// <summary>Writes an answer from numbered sources (an LLM in production). Implementations may throw or time out.</summary>
public interface IAnswerWriter
{
    Task<string> WriteAsync(string question, IReadOnlyList<GroundingSource> sources, CancellationToken cancellationToken);
}

/// <summary>A written answer that passed verification, and the sources it cites (in order of first citation).</summary>
public sealed record GroundedAnswer(string Text, IReadOnlyList<GroundingSource> Cited);

/// <summary>Why a written answer was not used (for logs and metrics).</summary>
public sealed record GroundingOutcome(GroundedAnswer? Answer, string? Rejection)
{
    public static GroundingOutcome Rejected(string reason) => new(null, reason);
}

/// <summary>
/// Checks a model's answer against the sources it was given — pure logic, no I/O. Every [n] must name a
/// source that was given; at least one must appear; every article label (第X条) the answer mentions must
/// occur in a cited source (as its label or in its text); every 《law》 it names must be a cited source's
/// title. Anything else is treated as made up, and the caller falls back to the extractive answer.
/// </summary>
public static partial class CitationVerifier
{
    public const int MaxLength = 1200;

    public static GroundingOutcome Verify(string answer, IReadOnlyList<GroundingSource> sources)
    {
        var text = answer.Trim();
        if (text.Length == 0) return GroundingOutcome.Rejected("empty answer");
        if (text.Length > MaxLength) return GroundingOutcome.Rejected($"answer longer than {MaxLength} characters");
        var numbers = Marker().Matches(text).Select(m => int.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture)).ToList();
        if (numbers.Count == 0) return GroundingOutcome.Rejected("no citation");
        var unknown = numbers.Where(n => n < 1 || n > sources.Count).Distinct().ToList();
        if (unknown.Count > 0) return GroundingOutcome.Rejected($"cites [{string.Join("], [", unknown)}], which was not retrieved");
        var cited = numbers.Distinct().Select(n => sources[n - 1]).ToList();

        foreach (var label in ArticleLabel.FindAll(text).Select(l => l.ToString()).Distinct())
        {
            var supported = cited.Any(s => s.Hit.Chunk.ArticleLabel == label
                || ArticleLabel.Canonicalize(s.Hit.Chunk.Text).Contains(label, StringComparison.Ordinal));
            if (!supported) return GroundingOutcome.Rejected($"mentions {label}, which no cited source contains");
        }
        foreach (Match m in LawName().Matches(text))
        {
            var name = LawNames.Shorten(m.Groups[1].Value);
            var supported = cited.Any(s => s.Hit.Document.ShortTitle == name || s.Hit.Document.Title == m.Groups[1].Value
                || s.Hit.Chunk.Text.Contains(m.Value, StringComparison.Ordinal));
            if (!supported) return GroundingOutcome.Rejected($"names {m.Value}, which is not a cited source");
        }
        return new GroundingOutcome(new GroundedAnswer(text, cited), null);
    }

    /// <summary>Replaces [n] with the source's name in parentheses, so the text reads right on every channel.</summary>
    public static string Inline(GroundedAnswer answer) =>
        Marker().Replace(answer.Text, m =>
        {
            var n = int.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
            return "（" + answer.Cited.First(s => s.Number == n).Name + "）";
        });

    [GeneratedRegex(@"\[(\d{1,3})\]")]
    private static partial Regex Marker();

    [GeneratedRegex("《([^》]{2,60})》")]
    private static partial Regex LawName();
}

/// <summary>Settings of the optional LLM answer path.</summary>
/// <param name="MaxSources">How many retrieved passages the model sees.</param>
public sealed record GroundingSettings(TimeSpan WebDeadline, TimeSpan WeChatDeadline, int MaxSources = 4)
{
    public static GroundingSettings Default { get; } = new(TimeSpan.FromSeconds(8), TimeSpan.FromSeconds(4));

    /// <summary>The deadline for a channel: WeChat and WeCom must answer within their 5-second window.</summary>
    public TimeSpan DeadlineFor(string channel) => channel is "wechat" or "wecom" ? WeChatDeadline : WebDeadline;
}

/// <summary>
/// Orchestrates the LLM path: numbered sources → writer under a hard deadline → verification. Returns a
/// rejection (never throws, except for the caller's own cancellation) whenever the extractive answer must
/// be used instead: writer error, deadline, or an unsupported citation.
/// </summary>
public sealed class GroundedAnswerer(IAnswerWriter writer, GroundingSettings settings)
{
    private long _accepted, _rejected;

    public GroundingSettings Settings { get; } = settings;

    /// <summary>Answers written and verified / answers that fell back to extractive (for health reporting).</summary>
    public (long Accepted, long Rejected) Counts => (Interlocked.Read(ref _accepted), Interlocked.Read(ref _rejected));

    /// <summary>Called with the reason whenever the extractive answer is used instead (logging).</summary>
    public Action<string>? OnRejected { get; init; }

    public static IReadOnlyList<GroundingSource> Number(IEnumerable<ChunkHit> hits, int max) =>
        hits.Take(max).Select((h, i) => new GroundingSource(i + 1, h)).ToList();

    public async Task<GroundingOutcome> TryAnswerAsync(string question, IReadOnlyList<ChunkHit> hits, string channel, CancellationToken cancellationToken)
    {
        var outcome = await AttemptAsync(question, hits, channel, cancellationToken).ConfigureAwait(false);
        if (outcome.Answer is null)
        {
            Interlocked.Increment(ref _rejected);
            OnRejected?.Invoke(outcome.Rejection!);
        }
        else
        {
            Interlocked.Increment(ref _accepted);
        }
        return outcome;
    }

    private async Task<GroundingOutcome> AttemptAsync(string question, IReadOnlyList<ChunkHit> hits, string channel, CancellationToken cancellationToken)
    {
        var sources = Number(hits, Settings.MaxSources);
        if (sources.Count == 0) return GroundingOutcome.Rejected("no sources");
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(Settings.DeadlineFor(channel));
        string text;
        try
        {
            text = await writer.WriteAsync(question, sources, deadline.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return GroundingOutcome.Rejected($"deadline of {Settings.DeadlineFor(channel).TotalSeconds:0.#} s passed");
        }
#pragma warning disable CA1031 // Any failure of the optional model path falls back to the extractive answer.
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
#pragma warning restore CA1031
        {
            return GroundingOutcome.Rejected("writer failed: " + ex.Message);
        }
        return CitationVerifier.Verify(text, sources);
    }

    /// <summary>The numbered source list as the prompt shows it.</summary>
    public static string FormatSources(IReadOnlyList<GroundingSource> sources)
    {
        var sb = new StringBuilder();
        foreach (var s in sources)
            sb.Append('[').Append(s.Number).Append("] ").Append(s.Name).Append('\n').Append(s.Hit.Chunk.Text.Trim()).Append("\n\n");
        return sb.ToString().TrimEnd();
    }
}
