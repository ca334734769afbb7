namespace LegalBot.Channels.WeChat;

/// <summary>
/// Who answers a WeChat / WeCom message and which path delivers the answer, shared by every instance WeChat's retries
/// may reach. One instance produces the answer under a lease it renews; a retry on another instance waits for that
/// answer, or takes over when the lease runs out without one (the producer died). Exactly one caller, on any
/// instance, claims the delivery (the passive reply or the customer-service API).
/// </summary>
public interface IWeChatDeliveryLedger
{
    /// <summary>True when the caller is to produce the answer: the message is new, or its producer's lease ran out without an answer.</summary>
    Task<bool> TryBeginAsync(string key, CancellationToken cancellationToken);

    /// <summary>Extends the caller's lease while it is still producing.</summary>
    Task RenewAsync(string key, CancellationToken cancellationToken);

    Task CompleteAsync(string key, WeChatOutcome outcome, CancellationToken cancellationToken);

    /// <summary>The answer, once any instance has produced it.</summary>
    Task<WeChatOutcome?> GetOutcomeAsync(string key, CancellationToken cancellationToken);

    /// <summary>True for exactly one caller per message across all instances.</summary>
    Task<bool> TryClaimAsync(string key, CancellationToken cancellationToken);

    /// <summary>
    /// Plain mode's replay check (<see cref="ReplayGuard"/>) across instances: false when (timestamp, nonce) was
    /// already used with another body.
    /// </summary>
    Task<bool> AcceptSignatureAsync(string timestamp, string nonce, byte[] bodyHash, CancellationToken cancellationToken);

    /// <summary>Forgets messages and signatures older than <paramref name="before"/>.</summary>
    Task<int> SweepAsync(DateTimeOffset before, CancellationToken cancellationToken);
}
