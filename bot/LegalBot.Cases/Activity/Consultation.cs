namespace LegalBot.Cases.Activity;

/// <summary>
/// One consultation reply, for the statistics: no personal data, no text and no conversation id — only when, where
/// from, which route, what it was answered from and how it ended.
/// </summary>
/// <param name="Source">The document the answer came from (a matter, guide or statute id), if any.</param>
/// <param name="Town">The citizen's town when the conversation knows it.</param>
public sealed record Consultation(DateTimeOffset At, string Channel, string Route, ConsultationOutcome Outcome, string? Source, string? Town);

public enum ConsultationOutcome
{
    Answered,
    /// <summary>Below the confidence threshold: "not sure", 12348, logged for staff.</summary>
    Unanswered,
    /// <summary>Close candidates from different matters: a question back.</summary>
    Clarified,
}

/// <summary>The append-only consultation record behind 咨询人次.</summary>
public interface IActivityStore
{
    Task RecordAsync(Consultation consultation, CancellationToken cancellationToken);

    /// <summary>Consultations in [<paramref name="since"/>, <paramref name="until"/>).</summary>
    Task<IReadOnlyList<Consultation>> ListAsync(DateTimeOffset since, DateTimeOffset until, CancellationToken cancellationToken);
}
