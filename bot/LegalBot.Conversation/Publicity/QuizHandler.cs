using LegalBot.Conversation.Pipeline;

namespace LegalBot.Conversation.Publicity;

/// <summary>
/// 学法答题: a quiz of a few questions, one at a time, each answer explained with its article, ending with a score that
/// goes into the campaign's figures. A message that is not an answer pauses the quiz: it is answered as a question,
/// and the engine then offers to continue.
/// </summary>
public sealed class QuizHandler(PublicityOptions options) : ITurnHandler
{
    public async ValueTask<bool> HandleAsync(TurnContext turn, CancellationToken cancellationToken)
    {
        if (turn.Crisis.IsEmergency) return false;
        var publicity = turn.State.Publicity ?? PublicityState.Empty;
        var catalog = turn.Knowledge.Publicity;
        if (PublicityReplies.IsCommand(turn.Normalized, PublicityTexts.QuizCommands)) return Start(turn, publicity);
        if (publicity.Quiz is not { } quiz) return false;
        if (PublicityReplies.IsCommand(turn.Normalized, PublicityTexts.StopQuizCommands))
        {
            turn.State = turn.State with { Publicity = publicity with { Quiz = null } };
            turn.Replies.Add(PublicityReplies.Simple(PublicityTexts.QuizStopped, PublicityTexts.Quiz, PublicityTexts.TodayLesson));
            return true;
        }
        if (catalog.Question(quiz.Current) is not { } question)
        {
            // The folder changed under the quiz: drop it rather than ask a question that no longer exists.
            turn.State = turn.State with { Publicity = publicity with { Quiz = null } };
            return false;
        }
        if (PublicityReplies.IsCommand(turn.Normalized, PublicityTexts.ContinueQuizCommands))
        {
            turn.State = turn.State with { Publicity = publicity with { Quiz = quiz with { Paused = false } } };
            turn.Replies.Add(PublicityReplies.Question(question, quiz.Index + 1, quiz.Questions.Count));
            return true;
        }
        if (PublicityReplies.ChosenOption(turn.Normalized, question) is not { } chosen)
        {
            turn.State = turn.State with { Publicity = publicity with { Quiz = quiz with { Paused = true } } };
            turn.OfferQuizResume = true;
            return false;
        }

        var right = chosen == question.Answer;
        turn.Replies.Add(PublicityReplies.Feedback(turn.Knowledge, question, right));
        quiz = quiz with { Index = quiz.Index + 1, Correct = quiz.Correct + (right ? 1 : 0), Paused = false };
        if (quiz.Index < quiz.Questions.Count && catalog.Question(quiz.Current) is { } next)
        {
            turn.Replies.Add(PublicityReplies.Question(next, quiz.Index + 1, quiz.Questions.Count));
            turn.State = turn.State with { Publicity = publicity with { Quiz = quiz } };
            return true;
        }
        await FinishAsync(turn, publicity, quiz, cancellationToken).ConfigureAwait(false);
        return true;
    }

    private bool Start(TurnContext turn, PublicityState publicity)
    {
        var catalog = turn.Knowledge.Publicity;
        var seed = HashCode.Combine(turn.Message.ConversationId, turn.State.Turns);
        var (questions, campaign) = catalog.PickQuiz(PublicityReplies.ChinaDay(turn.Now), options.QuizLength, seed, publicity.QuestionsAsked);
        if (questions.Count == 0)
        {
            turn.Replies.Add(PublicityReplies.Simple(PublicityTexts.NoQuiz, PublicityTexts.TodayLesson));
            return true;
        }
        var quiz = new QuizSession(questions.Select(q => q.Id).ToList(), 0, 0, campaign?.Id, turn.Now);
        turn.State = turn.State with { Publicity = publicity.Asked(quiz.Questions) with { Quiz = quiz, Signup = null } };
        turn.Replies.Add(PublicityReplies.Simple(PublicityTexts.QuizStart(questions.Count, campaign?.Title)));
        turn.Replies.Add(PublicityReplies.Question(questions[0], 1, questions.Count));
        return true;
    }

    private async Task FinishAsync(TurnContext turn, PublicityState publicity, QuizSession quiz, CancellationToken cancellationToken)
    {
        var total = quiz.Questions.Count;
        var campaign = quiz.CampaignId is null ? null : turn.Knowledge.Publicity.Campaign(quiz.CampaignId);
        long? resultId = null;
        if (options.Store is { } store)
        {
            // A citizen already on a board (nickname and town given before) goes on it again without being asked.
            var onBoard = campaign is not null && publicity is { Nickname: not null, Town: not null };
            resultId = await store.RecordQuizAsync(new QuizResult(PublicityReplies.Participant(turn.Message.UserId), turn.Message.Channel, campaign?.Id,
                quiz.Correct, total, turn.Now, onBoard ? publicity.Nickname : null, publicity.Town), cancellationToken).ConfigureAwait(false);
        }
        var signup = campaign is not null && resultId is { } id && publicity.Nickname is null ? new LeaderboardSignup(id, campaign.Id) : null;
        turn.State = turn.State with { Publicity = publicity with { Quiz = null, Signup = signup } };
        var score = PublicityTexts.Score(quiz.Correct, total);
        if (signup is not null)
            turn.Replies.Add(PublicityReplies.Simple(score + "\n" + PublicityTexts.JoinOffer(campaign!.Title), PublicityTexts.Join, PublicityTexts.Quiz, PublicityTexts.TodayLesson));
        else
            turn.Replies.Add(PublicityReplies.Simple(score, campaign is null ? [PublicityTexts.Quiz, PublicityTexts.TodayLesson]
                : [PublicityTexts.Leaderboard, PublicityTexts.Quiz, PublicityTexts.TodayLesson]));
    }
}
