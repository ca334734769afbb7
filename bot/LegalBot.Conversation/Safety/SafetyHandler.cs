using LegalBot.Conversation.Pipeline;
using LegalBot.Conversation.Routing;
using LegalBot.Knowledge.Safety;

namespace LegalBot.Conversation.Safety;

/// <summary>
/// The crisis check, before any dialog, command or answer, on every channel: danger now gets the right numbers
/// first (110, 120, 119, 122) with one safety step, an open application waits (and is offered again afterwards),
/// and the turn goes on so the legal help that fits follows the emergency reply.
/// </summary>
public sealed class SafetyHandler : ITurnHandler
{
    public ValueTask<bool> HandleAsync(TurnContext turn, CancellationToken cancellationToken)
    {
        turn.Crisis = turn.Knowledge.Crisis.Assess(turn.Text);
        if (!turn.Crisis.IsEmergency) return ValueTask.FromResult(false);
        // An answer to an application's question ("我在城关镇东关村", a name, a phone number) is what the form asked for:
        // only a rule's finding, not the learned model's guess, interrupts it.
        if (turn.State.Dialog is { Paused: false } && turn.Crisis.LearnedOnly)
        {
            turn.Crisis = CrisisAssessment.None;
            return ValueTask.FromResult(false);
        }
        turn.Replies.Add(Reply(turn.Crisis));
        if (turn.State.Dialog is { } dialog)
        {
            turn.State = turn.State with { Dialog = dialog with { Paused = true } };
            turn.OfferResume = true;
        }
        return ValueTask.FromResult(false);
    }

    /// <summary>The emergency reply: the first category's sentence (its number first), the other categories' numbers, one safety step, call buttons.</summary>
    public static OutboundReply Reply(CrisisAssessment crisis)
    {
        var first = crisis.Categories[0];
        var numbers = crisis.Categories.SelectMany(c => c.Numbers).Distinct(StringComparer.Ordinal).ToList();
        var lead = first.Lead;
        foreach (var other in crisis.Categories.Skip(1))
        {
            var missing = other.Numbers.Where(n => !lead.Contains(n, StringComparison.Ordinal)).ToList();
            if (missing.Count > 0) lead += SafetyTexts.AlsoCall(other.Name, missing);
        }
        var notes = first.Step.Length > 0 ? new List<string> { first.Step } : [];
        var actions = numbers.Select(n => new SuggestedAction(SafetyTexts.Call(n), "tel:" + n, ActionKind.Link)).ToList();
        return new OutboundReply(ReplyKind.Emergency, Routes.Emergency, lead, null, [], notes, actions, [], 1.0, null);
    }
}

/// <summary>The safety replies' own sentences (the per-emergency ones are staff-editable in crisis.txt).</summary>
public static class SafetyTexts
{
    public static string Call(string number) => "拨打 " + number;

    public static string AlsoCall(string category, IReadOnlyList<string> numbers) => $"（{category}：请拨打 {string.Join("、", numbers)}）";

    /// <summary>Before the legal help that follows an emergency reply.</summary>
    public const string LegalFollows = "安全之后，下面的法律规定可能对您有帮助：";
}
