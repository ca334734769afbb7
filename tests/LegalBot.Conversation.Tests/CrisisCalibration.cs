using LegalBot.Knowledge;
using LegalBot.Knowledge.Safety;
using LegalBot.Knowledge.Tests;
using LegalBot.Knowledge.Text;
using Xunit.Abstractions;

namespace LegalBot.Conversation.Tests;

/// <summary>
/// How the learned model's threshold trades recall for false alarms, by 5-fold cross-validation over the training
/// examples (a model trained on four folds judges the fifth). Prints the table (README "Crisis detection") and checks
/// that the shipped thresholds and the whole decision keep cross-validated false alarms at or under 6 % with recall at or over 93 %.
/// </summary>
public sealed class CrisisCalibration(ITestOutputHelper output)
{
    [Fact]
    public async Task Cross_validated_threshold_table()
    {
        using var kb = await KnowledgeBase.OpenAsync(Path.Combine(TestPaths.RepoRoot, "knowledge"), null);
        await kb.RefreshAsync(CancellationToken.None);
        var (lexicon, wordings) = (kb.View.Crisis.Lexicon, kb.View.Scope.CitizenWordings);
        var examples = lexicon.Examples.Select((e, i) => (e.Text, Emergency: e.Positive, Fold: i % 5)).ToList();
        var rows = new List<(bool Emergency, bool Rules, double P)>();
        var decisions = new List<(bool Emergency, bool Said)>();
        for (var fold = 0; fold < 5; fold++)
        {
            var detector = new CrisisDetector(lexicon.WithExamples(examples.Where(e => e.Fold != fold).Select(e => new LabelledText(e.Text, e.Emergency)).ToList()), wordings);
            rows.AddRange(examples.Where(e => e.Fold == fold).Select(e => (e.Emergency, detector.RulesSay(e.Text), detector.LearnedProbability(e.Text) ?? 0)));
            decisions.AddRange(examples.Where(e => e.Fold == fold).Select(e => (e.Emergency, detector.Assess(e.Text).IsEmergency)));
        }
        // The whole decision as shipped (rules, time words, the model and its gates for stories), cross-validated.
        var decidedRecall = decisions.Count(d => d.Emergency && d.Said) / (double)decisions.Count(d => d.Emergency);
        var decidedAlarms = decisions.Count(d => !d.Emergency && d.Said) / (double)decisions.Count(d => !d.Emergency);
        output.WriteLine(FormattableString.Invariant($"whole decision: recall {decidedRecall:F3}, false alarms {decidedAlarms:F3}"));
        double Recall(Func<(bool Emergency, bool Rules, double P), bool> say) => rows.Count(r => r.Emergency && say(r)) / (double)rows.Count(r => r.Emergency);
        double Alarms(Func<(bool Emergency, bool Rules, double P), bool> say) => rows.Count(r => !r.Emergency && say(r)) / (double)rows.Count(r => !r.Emergency);
        output.WriteLine(FormattableString.Invariant($"{rows.Count} examples; rules alone: recall {Recall(r => r.Rules):F3}, false alarms {Alarms(r => r.Rules):F3}"));
        foreach (var t in new[] { 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.85, 0.9 })
            output.WriteLine(FormattableString.Invariant($"threshold {t:F2}: recall {Recall(r => r.P >= t):F3}, false alarms {Alarms(r => r.P >= t):F3}"));
        foreach (var (low, high) in new[] { (0.15, 0.4), (0.2, 0.4), (0.25, 0.45), (0.25, 0.5), (0.3, 0.5), (0.2, 0.5), (0.1, 0.5), (0.3, 0.45) })
            output.WriteLine(FormattableString.Invariant($"rules with p>={low:F2}, or p>={high:F2}: recall {Recall(r => r.Rules && r.P >= low || r.P >= high):F3}, false alarms {Alarms(r => r.Rules && r.P >= low || r.P >= high):F3}"));
        bool Shipped((bool Emergency, bool Rules, double P) r) => r.P >= (r.Rules ? CrisisDetector.ConfirmThreshold : CrisisDetector.ClassifierThreshold);
        output.WriteLine(FormattableString.Invariant($"shipped rule: recall {Recall(Shipped):F3}, false alarms {Alarms(Shipped):F3}"));
        // Floors at what is met (the examples include deliberately hard ones; the independent sets in tests/data are the headline figure).
        Assert.True(Alarms(Shipped) <= 0.06, $"false alarms {Alarms(Shipped):F3}");
        Assert.True(Recall(Shipped) >= 0.93, $"recall {Recall(Shipped):F3}");
        // The whole decision (2026-12-04, with the matters' danger-like wordings kept out below 0.6: recall 0.932, false alarms 0.055;
        // the independent sets in tests/data, the headline, lost no recall and gained no false alarm by it).
        // 2026-12-06, in content order on a fixed sample, with the veto of stories near a matter's wording: recall 0.931, false alarms 0.051.
        // 2026-12-06 (crisis2), with a claim after the event (赔, 要钱, 起诉) a consultation when nothing is told as now, and family members naming domestic violence: recall 0.930, false alarms 0.050.
        // 2026-12-08 (crisis3), with habitual background (经常, 一喝酒就, 这些年), completed treatment and more legal framing as stories, and
        // self-harm's strong words standing whatever the model says: recall 0.930 (no example lost), false alarms 0.049.
        Assert.True(decidedAlarms <= 0.051, $"whole decision: false alarms {decidedAlarms:F3}");
        Assert.True(decidedRecall >= 0.93, $"whole decision: recall {decidedRecall:F3}");
    }
}
