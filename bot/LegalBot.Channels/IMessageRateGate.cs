namespace LegalBot.Channels;

/// <summary>Decides whether a user may send now (per-user rate limiting); the engine is not called when not.</summary>
public interface IMessageRateGate
{
    bool TryEnter(string userId);
}
