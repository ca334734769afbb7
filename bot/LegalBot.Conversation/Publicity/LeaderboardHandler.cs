using System.Text.RegularExpressions;
using LegalBot.Conversation.Pipeline;

namespace LegalBot.Conversation.Publicity;

/// <summary>
/// 参加排行榜 after a campaign quiz (opt-in: a nickname and a town, nothing else) and 排行榜 (the campaign's towns).
/// A long message while a nickname or town is expected is a question, not a name: the sign-up is dropped and it is answered.
/// </summary>
public sealed partial class LeaderboardHandler(PublicityOptions options) : ITurnHandler
{
    private const int MaxNickname = 12;
    private const int MaxTown = 20;

    public async ValueTask<bool> HandleAsync(TurnContext turn, CancellationToken cancellationToken)
    {
        if (turn.Crisis.IsEmergency || options.Store is not { } store) return false;
        var publicity = turn.State.Publicity ?? PublicityState.Empty;
        if (PublicityReplies.IsCommand(turn.Normalized, PublicityTexts.LeaderboardCommands))
        {
            await ShowAsync(turn, store, cancellationToken).ConfigureAwait(false);
            return true;
        }
        if (publicity.Signup is not { } signup) return false;
        if (!signup.Started)
        {
            if (!PublicityReplies.IsCommand(turn.Normalized, PublicityTexts.JoinCommands)) return false;
            turn.State = turn.State with { Publicity = publicity with { Signup = signup with { Started = true } } };
            turn.Replies.Add(PublicityReplies.Simple(PublicityTexts.AskNickname));
            return true;
        }
        var text = turn.Text.Trim();
        if (text.Length > 2 * MaxTown)
        {
            turn.State = turn.State with { Publicity = publicity with { Signup = null } };
            return false;
        }
        if (signup.Nickname is null)
        {
            if (text.Length is 0 or > MaxNickname || Digits().IsMatch(text))
            {
                turn.Replies.Add(PublicityReplies.Simple(PublicityTexts.BadNickname));
                return true;
            }
            turn.State = turn.State with { Publicity = publicity with { Signup = signup with { Nickname = text } } };
            turn.Replies.Add(PublicityReplies.Simple(PublicityTexts.AskTown));
            return true;
        }
        if (text.Length is 0 or > MaxTown || Digits().IsMatch(text))
        {
            turn.Replies.Add(PublicityReplies.Simple(PublicityTexts.BadTown));
            return true;
        }
        await store.JoinLeaderboardAsync(signup.ResultId, signup.Nickname, text, cancellationToken).ConfigureAwait(false);
        turn.State = turn.State with { Publicity = publicity with { Signup = null, Nickname = signup.Nickname, Town = text } };
        turn.Replies.Add(PublicityReplies.Simple(PublicityTexts.Joined(signup.Nickname, text)));
        await ShowAsync(turn, store, cancellationToken, signup.CampaignId).ConfigureAwait(false);
        return true;
    }

    private static async Task ShowAsync(TurnContext turn, IPublicityStore store, CancellationToken cancellationToken, string? campaignId = null)
    {
        var catalog = turn.Knowledge.Publicity;
        var campaign = campaignId is not null ? catalog.Campaign(campaignId) : catalog.ActiveCampaigns(PublicityReplies.ChinaDay(turn.Now)).FirstOrDefault();
        if (campaign is null)
        {
            turn.Replies.Add(PublicityReplies.Simple(PublicityTexts.NoCampaign, PublicityTexts.Quiz));
            return;
        }
        var rows = await store.LeaderboardAsync(campaign.Id, 10, cancellationToken).ConfigureAwait(false);
        var lines = rows.Count == 0 ? PublicityTexts.LeaderboardEmpty
            : string.Join("\n", rows.Select((r, i) => PublicityTexts.LeaderboardLine(i + 1, r)));
        turn.Replies.Add(PublicityReplies.Simple(PublicityTexts.LeaderboardLead(campaign.Title) + "\n" + lines, PublicityTexts.Quiz, PublicityTexts.TodayLesson));
    }

    /// <summary>Seven digits in a row look like a phone or ID number: not a nickname.</summary>
    [GeneratedRegex(@"\d{7}")]
    private static partial Regex Digits();
}
