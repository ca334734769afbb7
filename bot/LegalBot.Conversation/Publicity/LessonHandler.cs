using LegalBot.Conversation.Pipeline;

namespace LegalBot.Conversation.Publicity;

/// <summary>今日普法 / 再来一课 (or a menu key sending it): one lesson, chosen by what the citizen asked, the campaign running and the season.</summary>
public sealed class LessonHandler(PublicityOptions options) : ITurnHandler
{
    public async ValueTask<bool> HandleAsync(TurnContext turn, CancellationToken cancellationToken)
    {
        if (turn.Crisis.IsEmergency) return false;
        if (!PublicityReplies.IsCommand(turn.Normalized, PublicityTexts.LessonCommands) && !PublicityReplies.IsCommand(turn.Normalized, PublicityTexts.AnotherLessonCommands))
            return false;
        var publicity = turn.State.Publicity ?? PublicityState.Empty;
        var day = PublicityReplies.ChinaDay(turn.Now);
        var catalog = turn.Knowledge.Publicity;
        if (catalog.PickLesson(day, turn.State.LastDocumentId, publicity.LessonsRead) is not { } lesson)
        {
            turn.Replies.Add(PublicityReplies.Simple(PublicityTexts.NoLessons));
            return true;
        }
        turn.Replies.Add(PublicityReplies.Lesson(turn.Knowledge, lesson, day, weekly: false, subscribed: publicity.Subscription is not null));
        turn.State = turn.State with { Publicity = publicity.Read(lesson.Id) };
        await LessonRecords.RecordAsync(options, turn.Knowledge, lesson, turn.Message.Channel, publicity.Town, turn.Now, cancellationToken).ConfigureAwait(false);
        return true;
    }
}

/// <summary>Records a lesson given, under the campaign it belongs to when that campaign is running.</summary>
public static class LessonRecords
{
    public static Task RecordAsync(PublicityOptions options, LegalBot.Knowledge.KnowledgeView knowledge, LegalBot.Knowledge.Publicity.Lesson lesson, string channel,
        string? town, DateTimeOffset now, CancellationToken cancellationToken)
    {
        if (options.Store is null) return Task.CompletedTask;
        var catalog = knowledge.Publicity;
        var campaign = catalog.ActiveCampaigns(PublicityReplies.ChinaDay(now)).FirstOrDefault(c => catalog.LessonsOf(c).Any(l => l.Id == lesson.Id));
        return options.Store.RecordLessonAsync(new LessonRead(lesson.Id, channel, campaign?.Id, town, now), cancellationToken);
    }
}
