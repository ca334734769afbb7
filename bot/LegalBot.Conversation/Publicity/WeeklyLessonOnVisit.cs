using LegalBot.Conversation.Pipeline;

namespace LegalBot.Conversation.Publicity;

/// <summary>
/// After the turn's replies: on channels that cannot push (web chat, Bot Framework), a subscriber's weekly lesson is
/// shown at their next visit once a week has passed; and a quiz paused by a question is offered to continue.
/// </summary>
public sealed class WeeklyLessonOnVisit(PublicityOptions options)
{
    public async Task ApplyAsync(TurnContext turn, CancellationToken cancellationToken)
    {
        if (turn.Crisis.IsEmergency) return;
        var publicity = turn.State.Publicity;
        if (turn.OfferQuizResume && publicity?.Quiz is { Paused: true })
            turn.Replies.Add(PublicityReplies.Simple(PublicityTexts.QuizPaused, PublicityTexts.ContinueQuiz, PublicityTexts.StopQuiz));
        if (publicity?.Subscription is not { } subscription || PublicityOptions.PushChannels.Contains(turn.Message.Channel) || publicity.Quiz is { Paused: false }) return;
        if ((subscription.LastLessonAt ?? subscription.Since) + options.Period > turn.Now) return;
        if (turn.Replies.Any(r => r.Kind == ReplyKind.Lesson)) return;
        var day = PublicityReplies.ChinaDay(turn.Now);
        if (turn.Knowledge.Publicity.PickLesson(day, turn.State.LastDocumentId, publicity.LessonsRead) is not { } lesson) return;
        turn.Replies.Add(PublicityReplies.Lesson(turn.Knowledge, lesson, day, weekly: true, subscribed: true));
        turn.State = turn.State with { Publicity = publicity.Read(lesson.Id) with { Subscription = subscription with { LastLessonAt = turn.Now } } };
        await LessonRecords.RecordAsync(options, turn.Knowledge, lesson, turn.Message.Channel, publicity.Town, turn.Now, cancellationToken).ConfigureAwait(false);
    }
}
