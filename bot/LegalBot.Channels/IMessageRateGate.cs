namespace LegalBot.Channels;

/// <summary>Decides whether a sender may send now (rate limiting); the engine is not called when not.</summary>
public interface IMessageRateGate
{
    /// <param name="key">An identity the server trusts: a channel-scoped user or conversation, or a client address.</param>
    bool TryEnter(string key);
}

/// <summary>
/// The two limits every anonymous channel passes: per sender (a conversation or a channel user the server
/// authenticated) and per client address, so rotating tokens or conversations gains nothing.
/// </summary>
public sealed record RateGates(IMessageRateGate PerSender, IMessageRateGate PerClient);
