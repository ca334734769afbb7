using System.Text;
using LegalBot.Knowledge.Text;

namespace LegalBot.Knowledge.Safety;

/// <summary>What the crisis check found: the categories in danger now (priority order) and the words that showed it.</summary>
public sealed record CrisisAssessment(IReadOnlyList<CrisisCategory> Categories, IReadOnlyList<string> Evidence)
{
    public static readonly CrisisAssessment None = new([], []);

    public bool IsEmergency => Categories.Count > 0;

    /// <summary>Only the learned model says danger: no rule named it (an open application's answers are not interrupted by this).</summary>
    public bool LearnedOnly { get; init; }

    public override string ToString() => IsEmergency
        ? string.Join(", ", Categories.Select(c => c.Id)) + " (" + string.Join(", ", Evidence) + ")"
        : "none";
}

/// <summary>
/// Decides whether a message is about danger now, from the staff-editable <see cref="CrisisLexicon"/>:
/// <list type="bullet">
/// <item>a strong word (流血, 不想活了, 拿刀) is danger unless the time word governing it says past, hypothesis or
/// already handled (去年, 如果, 住院), or it is negated (没流血) or marked as experience (被打过);</item>
/// <item>a weak word (打我, 自杀, 车祸) is danger only with a "now" word governing it (正在, 刚被; 现在 and 今天 only
/// when the clause is not a legal question such as 算不算, 怎么赔), a companion word of its category in the same
/// sentence (车祸 + 流血, 被车撞 + 跑了), or, where allowed, an intent word right before it (要跳楼, 想自杀).</item>
/// </list>
/// The governing time word is the nearest one before the word in its sentence (or between a pattern's parts), else the
/// first after it in its clause, so "去年被打过，现在他又拿刀砍我" is danger and "前几天被打了现在还疼" is not. A match
/// followed by a claim (赔, 要钱, 起诉) with nothing told as happening now and no victim still in danger is a story
/// told to ask about the law, except for self-harm, whose words are danger whatever is asked. Pure: no I/O.
/// </summary>
public sealed class CrisisDetector
{
    /// <summary>Danger from this probability of the learned model (chosen for recall over false alarms: README "Crisis detection").</summary>
    public const double ClassifierThreshold = 0.45;

    /// <summary>When a rule names the danger, the model only has to not rule it out (it learned that legal framing usually means "not now").</summary>
    public const double ConfirmThreshold = 0.3;

    /// <summary>
    /// The learned model alone, with no rule naming the danger, in a message framed as a consultation (能不能, 怎么赔,
    /// 去年, 已经出院) with no "now" word: stories told to ask about the law read like emergencies to n-grams, so the
    /// model has to be nearly certain there. (A gate on "no danger word at all" cost 12 points of cross-validated recall.)
    /// </summary>
    public const double StoryThreshold = 0.9;

    /// <summary>The category the learned second opinion reports under (crisis.txt's [类别 general]).</summary>
    public const string GeneralCategory = "general";

    private const char Clause = '，';
    private const char Sentence = '。';
    private const char Masked = '＿';
    private static readonly string[] Negations = ["没有", "没", "不是", "并没", "未", "别"];

    // Habitual: a pattern told as background (经常, 动不动就, 好几回, 这些年). It silences a weak word (经常打我) and a "now" word
    // it governs (这些年脾气越来越差), but never a strong one: "他经常打我，他拿着刀在门口" is still danger.
    private enum Marker { NowStrong, NowWeak, Past, Hypothetical, Handled, Habitual }

    private readonly NgramClassifier? _classifier;
    private readonly NearestText? _ordinary;
    private readonly NearestText? _positives;

    /// <summary>
    /// The model alone, in a message not told as now, that reads like one of the matters' own wordings (a citizen's story told
    /// to ask about the law) and like none of the hand-labelled emergencies: a story, not an alarm. Monotone in the folder: a
    /// wording can only silence the model's guess, never a rule, and never a message close to a known emergency.
    /// </summary>
    public const double OrdinaryNear = 0.33;
    public const double EmergencyFar = 0.26;

    // Unreviewed for danger, the matters' wordings count less than a hand-labelled example. At most OrdinarySample of them
    // are taught, the ones with the lowest stable hash of their text: a wording's place in the sample depends on its own
    // text only, so N added wordings change at most N of the taught ones (and the model is trained in content order, so
    // the others keep their order), and the total ordinary weight stops growing with the folder.
    public const int OrdinarySample = 6000;
    // Together the taught wordings weigh as OrdinaryBudget hand-labelled examples (1400 / 6000 ≈ 0.23 each, what 1400 over the
    // 6465 eligible wordings of 2026-12-04 gave): a folder that grows by a hundred matters must not shift the model away from danger.
    private const double OrdinaryBudget = 1400;
    private const double OrdinaryWeight = OrdinaryBudget / OrdinarySample;
    // An ordinary wording the hand-labelled examples alone rate this likely danger reads like an emergency: not taught as safe.
    // (0.7 let new matters about injuries and collisions teach their emergency-like words as safe, and an emergency was missed.)
    private const double DangerLike = 0.6;

    /// <param name="ordinaryQuestions">Citizens' ordinary legal questions (the matters' wordings): most messages are these, and the
    /// model learns that from them. Any the rules flag as danger, or the hand-labelled examples alone rate as possible danger
    /// (a matter about 电梯困人 or 溺水 tells its story in words an emergency uses), are left out rather than taught as safe.</param>
    public CrisisDetector(CrisisLexicon lexicon, IReadOnlyList<string>? ordinaryQuestions = null)
    {
        Lexicon = lexicon;
        // The model reads the message as the rules do (misspellings corrected, idioms such as 笑死/救命钱 masked), so
        // "气死我了" teaches it nothing about 死; the rules' findings for each prepared text go along as named features.
        var names = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        LabelledText Prepared(LabelledText e)
        {
            var signals = Signals(e.Text);
            names[signals.Text] = signals.Names;
            return e with { Text = signals.Text };
        }
        IEnumerable<string> Named(string prepared) => names[prepared];
        var examples = lexicon.Examples.Select(Prepared).ToList();
        var labelledOnly = NgramClassifier.Train(examples, Named);
        var ordinary = (ordinaryQuestions ?? [])
            .Select(q => (Example: Prepared(new LabelledText(q, false)), Rules: Signals(q).Found.Count))
            .Where(q => q.Rules == 0 && (labelledOnly is null || labelledOnly.Probability(q.Example.Text, Named(q.Example.Text)) < DangerLike))
            .DistinctBy(q => q.Example.Text, StringComparer.Ordinal)
            .ToList();
        OrdinaryCandidates = ordinary.Count;
        var eligible = ordinary;
        ordinary = ordinary
            .OrderBy(q => NgramClassifier.StableHash(q.Example.Text)).ThenBy(q => q.Example.Text, StringComparer.Ordinal)
            .Take(OrdinarySample)
            .ToList();
        OrdinaryTaught = ordinary.Count;
        // Every eligible wording (not just the sample) may veto: more wordings can only silence more stories, never raise an alarm.
        _ordinary = new NearestText(eligible.Select(q => q.Example.Text));
        _positives = new NearestText(examples.Where(e => e.Positive).Select(e => e.Text));
        examples.AddRange(ordinary.Select(q => q.Example with { Weight = OrdinaryWeight }));
        _classifier = ordinary.Count == 0 ? labelledOnly : NgramClassifier.Train(examples, Named, contentOrder: true);
    }

    public CrisisLexicon Lexicon { get; }

    /// <summary>How many of the matters' wordings the model was taught as safe (for calibration and staff checks).</summary>
    public int OrdinaryTaught { get; }

    /// <summary>How many distinct wordings were eligible (no rule fires, not danger-like to the hand-labelled model).</summary>
    public int OrdinaryCandidates { get; }

    /// <summary>
    /// Danger now or not. With examples to learn from, the decision is the learned model's, which weighs the rules'
    /// findings and the time words together with the message's own characters; without them, the rules decide.
    /// The categories (and so the numbers) are the rules' when they name one, else the general one.
    /// </summary>
    public CrisisAssessment Assess(string? message)
    {
        if (string.IsNullOrWhiteSpace(message)) return CrisisAssessment.None;
        var signals = Signals(message);
        var found = signals.Found;
        if (_classifier is null) return found.Count == 0 ? CrisisAssessment.None : new CrisisAssessment(found.Select(f => f.Category).ToList(), found.Select(f => f.Evidence).ToList());
        var p = _classifier.Probability(signals.Text, signals.Names);
        // A rule match told in the present (正在, 刚刚, 救命) stands whatever the model learned about legal framing.
        var now = signals.Names.Contains(NowRule);
        // A consultation's framing with nothing told as happening now asks the model for its ordinary confidence, not a mere "not ruled out".
        var story = signals.Framed && !signals.Immediate;
        // With no rule naming a danger, a figure of speech (笑死, 吵死) or an everyday activity (打游戏) frames the message as
        // daily life the way a legal question frames a consultation: the model alone has to be nearly certain.
        if (found.Count == 0 && signals.Casual && !signals.Immediate) story = true;
        var threshold = found.Count > 0
            ? story ? ClassifierThreshold : ConfirmThreshold
            : story ? StoryThreshold : ClassifierThreshold;
        // A strong word of a category that is danger whatever is asked (self-harm, 话题: 否) stands whatever the model learned
        // about stories: "撑不下去了，想去死，去年离婚以后就这样" tells its past only as the reason. A weak one with an intent
        // word ("股票跌得我想跳楼") is a common exaggeration, and the model still weighs it.
        if (!now && !signals.Unconditional && p < threshold) return CrisisAssessment.None;
        // The model alone reads a story about money, property, a reputation or privacy (工钱找谁要, 车被砸了个坑, 造谣), or a
        // figure of speech (笑死我了), as danger from its n-grams; when no word of the message names a danger to a person,
        // it is such a story and no alarm.
        if (found.Count == 0 && signals.PropertyOnly) return CrisisAssessment.None;
        // The model alone on a story close to a matter's own wording and far from every hand-labelled emergency: a legal question.
        if (found.Count == 0 && !signals.Immediate && _ordinary is not null && _positives is not null
            && _ordinary.Similarity(signals.Text) >= OrdinaryNear && _positives.Similarity(signals.Text) < EmergencyFar) return CrisisAssessment.None;
        if (found.Count > 0) return new CrisisAssessment(found.Select(f => f.Category).ToList(), [.. found.Select(f => f.Evidence), FormattableString.Invariant($"p={p:F2}")]);
        // No rule says "now", but the model does: the danger words present still name the category, so the right number comes first.
        if (signals.Named is { } named) return new CrisisAssessment([named], [FormattableString.Invariant($"learned p={p:F2}, {named.Id} words")]) { LearnedOnly = true };
        return Lexicon.Categories.FirstOrDefault(c => c.Id == GeneralCategory) is { } general
            ? new CrisisAssessment([general], [FormattableString.Invariant($"learned p={p:F2}")]) { LearnedOnly = true }
            : CrisisAssessment.None;
    }

    /// <summary>What the rules find in a message.</summary>
    /// <param name="Text">The message as the rules read it (compacted, corrected, idioms masked): what the model reads too.</param>
    /// <param name="Found">The categories the rules name as danger now, with evidence.</param>
    /// <param name="Names">Named features for the model.</param>
    /// <param name="Named">The first category whose words occur at all, whatever their time (for the model's own findings).</param>
    /// <param name="Immediate">A strong "now" word (正在, 刚刚, 救命) occurs.</param>
    /// <param name="Framed">The message is framed as a consultation: legal question words, a legal topic, or past, hypothetical or handled.</param>
    /// <param name="PropertyOnly">About money, property, a reputation or privacy, or a figure of speech, with no category's word or danger sign at all.</param>
    /// <param name="Casual">A figure of speech (笑死, 吵死) or an everyday activity (打毛衣) occurs.</param>
    /// <param name="Unconditional">A strong word of a category whose words are danger whatever is asked (话题: 否) was found.</param>
    private sealed record RuleSignals(string Text, List<(CrisisCategory Category, string Evidence)> Found, List<string> Names,
        CrisisCategory? Named, bool Immediate, bool Framed, bool PropertyOnly, bool Casual, bool Unconditional);

    private RuleSignals Signals(string message)
    {
        var text = Prepare(message);
        var markers = FindMarkers(text);
        var found = new List<(CrisisCategory Category, string Evidence)>();
        var names = new List<string>();
        CrisisCategory? named = null;
        var unconditional = false;
        foreach (var category in Lexicon.Categories)
        {
            if (category.Id != GeneralCategory && named is null && category.Strong.Concat(category.Weak).Any(p => Matches(text, p).Any())) named = category;
            if (FirstHit(text, markers, category, out var present, out var strong) is not { } hit) continue;
            found.Add((category, hit));
            if (strong && !category.TopicSuppresses) unconditional = true;
            names.Add("rule:" + category.Id);
            if (present) names.Add(NowRule);
        }
        if (found.Count > 0) names.Add("rule:any");
        foreach (var kind in markers.Select(m => m.Kind).Distinct()) names.Add("time:" + kind);
        var topic = Lexicon.LegalTopic.Any(p => Matches(text, p).Any());
        if (topic) names.Add("topic");
        var framed = topic || Lexicon.LegalFraming.Any(w => text.Contains(w, StringComparison.Ordinal))
            || markers.Any(m => m.Kind is Marker.Past or Marker.Hypothetical or Marker.Handled or Marker.Habitual);
        var immediate = markers.Any(m => m.Kind == Marker.NowStrong && !ToldAsPast(text, markers, m.Start)) || found.Any(f => f.Category.Id == GeneralCategory);
        // A figure of speech about death or killing (笑死, 杀价, 杀疯) marks hyperbole the way a property topic marks a
        // consultation; the other masked words (打电话, 关机) only keep their characters from matching, and say nothing.
        var hyperbole = Lexicon.Excluded.Any(e => e.AsSpan().IndexOfAny(HyperboleCharacters) >= 0 && message.Contains(e, StringComparison.Ordinal));
        // So does an everyday activity (我妈正在打毛衣): the model reads its 正在 + 打 as a beating.
        var everyday = Lexicon.Everyday.Any(e => message.Contains(e, StringComparison.Ordinal));
        var propertyOnly = named is null && Lexicon.DangerSigns.Count > 0 && (hyperbole || everyday || Lexicon.PropertyTopics.Any(p => Matches(text, p).Any()))
            && !Lexicon.DangerSigns.Any(p => Matches(text, p).Any());
        return new RuleSignals(text, found, names, named, immediate, framed, propertyOnly, hyperbole || everyday, unconditional);
    }

    /// <summary>
    /// A "now" word inside a story told as past or handled ("上礼拜被人砸了头，保安就在旁边看着"; "脾气越来越差"
    /// after "这几年" is not, but after "去年" it is): the nearest time word before it in its sentence says past or handled.
    /// </summary>
    private static bool ToldAsPast(string text, List<(int Start, int End, Marker Kind)> markers, int at)
    {
        var (start, _) = Span(text, at, [Sentence]);
        var before = markers.Where(m => m.Start >= start && m.End <= at).OrderByDescending(m => m.End).FirstOrDefault();
        return before.End > 0 && before.Kind is Marker.Past or Marker.Handled or Marker.Habitual;
    }

    /// <summary>The rules alone (no learned model), for calibration.</summary>
    public bool RulesSay(string message) => Signals(message).Found.Count > 0;

    /// <summary>What the learned model's gate sees in a message (for calibration and staff checks): framed as a consultation, told as now.</summary>
    public string Explain(string message)
    {
        var s = Signals(message);
        return FormattableString.Invariant($"framed={s.Framed} immediate={s.Immediate} named={s.Named?.Id ?? "-"} property-only={s.PropertyOnly} ordinary={_ordinary?.Similarity(s.Text):F2} emergency={_positives?.Similarity(s.Text):F2}");
    }

    /// <summary>The learned opinion's probability for a message (for calibration and staff checks).</summary>
    public double? LearnedProbability(string message)
    {
        var signals = Signals(message);
        return _classifier?.Probability(signals.Text, signals.Names);
    }

    private const string NowRule = "rule:now";
    private static readonly System.Buffers.SearchValues<char> HyperboleCharacters = System.Buffers.SearchValues.Create("死杀疯");

    /// <param name="present">The match is governed by a strong "now" word (刚刚被性侵, 正在打我).</param>
    /// <param name="strong">The match is one of the category's strong words.</param>
    private string? FirstHit(string text, List<(int Start, int End, Marker Kind)> markers, CrisisCategory category, out bool present, out bool strong)
    {
        present = false;
        strong = true;
        foreach (var pattern in category.Strong)
            foreach (var (at, end) in Matches(text, pattern))
                if (!Suppressed(text, markers, at, end, weak: false, out var governing) && !(category.TopicSuppresses && governing != Marker.NowStrong && AsksAboutLaw(text, markers, at))
                    && !(category.TopicSuppresses && governing != Marker.NowStrong && ClaimedAfter(text, markers, end)))
                {
                    // 现在/今天 over a strong word outside a legal question ("现在他又拿刀砍我") is as present as 正在.
                    present = governing == Marker.NowStrong || governing == Marker.NowWeak && !ClauseHas(text, at, Lexicon.LegalFraming);
                    return pattern.Source;
                }

        strong = false;
        foreach (var pattern in category.Weak)
        {
            foreach (var (at, end) in Matches(text, pattern))
            {
                if (Suppressed(text, markers, at, end, weak: true, out var governing)) continue;
                if (category.TopicSuppresses && governing != Marker.NowStrong && AsksAboutLaw(text, markers, at)) continue;
                if (category.TopicSuppresses && governing != Marker.NowStrong && ClaimedAfter(text, markers, end)) continue;
                if (governing == Marker.NowStrong)
                {
                    present = true;
                    return pattern.Source;
                }
                // Short fragments ("腰动不了。在地上。手机没多少电。"): a strong "now" anywhere counts, unless this sentence is told as past.
                if (governing is null && markers.Any(m => m.Kind == Marker.NowStrong && !ToldAsPast(text, markers, m.Start))
                    && !SentenceHasAny(markers, text, at, Marker.Past, Marker.Hypothetical, Marker.Handled, Marker.Habitual)) return pattern.Source;
                if (governing == Marker.NowWeak && !ClauseHas(text, at, Lexicon.LegalFraming)) return pattern.Source;
                if (category.IntentCounts && Lexicon.Intent.Any(i => EndsRightBefore(text, at, i))) return pattern.Source;
                if (SentenceHasAny(markers, text, at, Marker.Past, Marker.Hypothetical, Marker.Handled, Marker.Habitual)) continue;
                var (sentenceStart, sentenceEnd) = Span(text, at, [Sentence]);
                foreach (var companion in category.Companions)
                    foreach (var (cs, ce) in Matches(text, companion))
                        if (cs >= sentenceStart && ce <= sentenceEnd && (ce <= at || cs >= end)) return pattern.Source + "+" + companion.Source;
            }
        }
        return null;
    }

    /// <summary>Where a pattern occurs: its parts in order, each within <see cref="CrisisPattern.MaxGap"/> characters of the last, in one sentence.</summary>
    private static IEnumerable<(int Start, int End)> Matches(string text, CrisisPattern pattern)
    {
        var parts = Compiled.GetValue(pattern, Compile);
        for (var at = 0; at < text.Length; at++)
        {
            var firstLength = LongestAt(text, at, parts[0]);
            if (firstLength == 0) continue;
            var end = at + firstLength;
            var ok = true;
            for (var p = 1; p < parts.Length && ok; p++)
            {
                var limit = Math.Min(text.Length - 1, end + CrisisPattern.MaxGap);
                ok = false;
                for (var i = end; i <= limit && text[i] != Sentence; i++)
                {
                    var length = LongestAt(text, i, parts[p]);
                    if (length == 0) continue;
                    end = i + length;
                    ok = true;
                    break;
                }
            }
            if (ok) yield return (at, end);
        }
    }

    // Each part's alternatives indexed by first character: a message is scanned once per part, not once per word.
    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<CrisisPattern, Dictionary<char, string[]>[]> Compiled = [];

    private static Dictionary<char, string[]>[] Compile(CrisisPattern pattern) =>
        pattern.Parts.Select(part => part.GroupBy(a => a[0]).ToDictionary(g => g.Key, g => g.OrderByDescending(a => a.Length).ToArray())).ToArray();

    private static int LongestAt(string text, int at, Dictionary<char, string[]> part)
    {
        if (!part.TryGetValue(text[at], out var candidates)) return 0;
        foreach (var c in candidates)
            if (at + c.Length <= text.Length && string.CompareOrdinal(text, at, c, 0, c.Length) == 0) return c.Length;
        return 0;
    }

    /// <summary>
    /// A harm told to ask about a claim: a claim word (赔, 要钱, 起诉, 违法吗) in a later clause than the match, and no
    /// strong "now" word anywhere in the message that is not itself told as past ("开车送货的时候撞了人，家属找我要赔偿";
    /// "被砍伤住院花了两万，对方不赔"). Danger now says 正在, 刚刚 or 救命; a claim after the event says it is over.
    /// </summary>
    private bool ClaimedAfter(string text, List<(int Start, int End, Marker Kind)> markers, int end)
    {
        if (markers.Any(m => m.Kind == Marker.NowStrong && !ToldAsPast(text, markers, m.Start))) return false;
        if (Lexicon.StillCritical.Any(p => Matches(text, p).Any())) return false;
        var clauseEnd = text.IndexOfAny([Clause, Sentence], end);
        return clauseEnd >= 0 && Lexicon.Claim.Any(w => text.IndexOf(w, clauseEnd, StringComparison.Ordinal) >= 0);
    }

    /// <summary>A sentence about a legal topic (判几年, 能告吗, 算不算) with no strong "now" word anywhere in it.</summary>
    private bool AsksAboutLaw(string text, List<(int Start, int End, Marker Kind)> markers, int at)
    {
        var (start, end) = Span(text, at, [Sentence]);
        return Lexicon.LegalTopic.Any(p => Matches(text, p).Any(m => m.Start >= start && m.End <= end))
            && !markers.Any(m => m.Kind == Marker.NowStrong && m.Start >= start && m.End <= end);
    }

    /// <summary>
    /// Past, hypothetical, handled, negated or experienced ("打过"), or for a weak word habitual ("经常打我"): not danger now.
    /// Also returns the governing time word.
    /// </summary>
    private static bool Suppressed(string text, List<(int Start, int End, Marker Kind)> markers, int at, int end, bool weak, out Marker? governing)
    {
        var length = end - at;
        governing = Governing(text, markers, at, length);
        if (governing is Marker.Past or Marker.Hypothetical or Marker.Handled) return true;
        if (weak && governing == Marker.Habitual) return true;
        // 被打过、拿刀吓唬过我: experience, told afterwards (but 流血过多 is not).
        for (var i = at + length; i < Math.Min(text.Length, at + length + 3) && text[i] is not (Clause or Sentence); i++)
            if (text[i] == '过' && (i + 1 == text.Length || !"多来去分度头后量境河马路年节".Contains(text[i + 1], StringComparison.Ordinal))) return true;
        foreach (var n in Negations)
            if (at >= n.Length && string.CompareOrdinal(text, at - n.Length, n, 0, n.Length) == 0) return true;
        return false;
    }

    /// <summary>
    /// The time word that governs a match: a hypothesis earlier in the sentence, or anything in the sentence saying
    /// it was handled (住院, 伤残等级), governs the whole sentence; otherwise the nearest time word before it in the
    /// sentence (a weak "now" such as 现在 only within its clause), else the first after it in its clause.
    /// </summary>
    private static Marker? Governing(string text, List<(int Start, int End, Marker Kind)> markers, int at, int length)
    {
        var (sentenceStart, sentenceEnd) = Span(text, at, [Sentence]);
        if (markers.Any(m => m.Kind == Marker.Hypothetical && m.Start >= sentenceStart && m.Start < at)) return Marker.Hypothetical;
        if (markers.Any(m => m.Kind == Marker.Handled && m.Start >= sentenceStart && m.End <= sentenceEnd)) return Marker.Handled;
        var clauseStart = text.LastIndexOfAny([Clause, Sentence], Math.Max(0, at - 1)) + 1;
        if (at == 0) clauseStart = 0;
        (int Start, int End, Marker Kind)? before = null;
        foreach (var m in markers)
        {
            // A marker may run into the word ("刚刚被" + "被性侵"): what starts before it governs it. One between a pattern's
            // parts governs it too ("老公刚才又动手打我", "老公去年打过我"): the time word nearest the end of the match wins.
            if (m.End > at + length || m.Start < sentenceStart || m.Start >= at && m.End >= at + length) continue;
            if (m.Kind == Marker.NowWeak && m.Start < clauseStart) continue;
            if (before is null || m.End > before.Value.End) before = m;
        }
        // A "now" word inside a background told in its own clause ("这些年他脾气越来越差"): the background's time governs.
        if (before is { Kind: Marker.NowStrong } now && NowToldAsBackground(text, markers, now.Start) is { } background) return background;
        if (before is { } b) return b.Kind;
        // After it: the rest of its clause, or a strong "now" later in the sentence (按在地上打，我偷偷发的).
        var clauseEnd = text.IndexOfAny([Clause, Sentence], at + length);
        if (clauseEnd < 0) clauseEnd = text.Length;
        (int Start, int End, Marker Kind)? after = null;
        foreach (var m in markers)
        {
            if (m.Start < at + length || m.End > sentenceEnd) continue;
            if (m.End > clauseEnd && m.Kind != Marker.NowStrong) continue;
            if (after is null || m.Start < after.Value.Start) after = m;
        }
        return after?.Kind;
    }

    /// <summary>The past, handled or habitual time word before a "now" word in its own clause, if any (这几年…越来越).</summary>
    private static Marker? NowToldAsBackground(string text, List<(int Start, int End, Marker Kind)> markers, int at)
    {
        var (start, _) = Span(text, at, [Clause, Sentence]);
        var before = markers.Where(m => m.Start >= start && m.End <= at).OrderByDescending(m => m.End).FirstOrDefault();
        return before.End > 0 && before.Kind is Marker.Past or Marker.Handled or Marker.Habitual ? before.Kind : null;
    }

    private List<(int Start, int End, Marker Kind)> FindMarkers(string text)
    {
        var found = new List<(int Start, int End, Marker Kind)>();
        void Add(IReadOnlyList<string> words, Marker kind)
        {
            foreach (var w in words)
                foreach (var at in Occurrences(text, w))
                    found.Add((at, at + w.Length, kind));
        }
        // Hypothetical before intent-like words: 要是 is "if", not "wants to".
        Add(Lexicon.Hypothetical, Marker.Hypothetical);
        Add(Lexicon.Past, Marker.Past);
        Add(Lexicon.Handled, Marker.Handled);
        Add(Lexicon.Habitual, Marker.Habitual);
        Add(Lexicon.NowStrong, Marker.NowStrong);
        Add(Lexicon.NowWeak, Marker.NowWeak);
        // A longer marker wins over one it contains (现在正 over 现在).
        return found.Where(m => !found.Any(o => o != m && o.Start <= m.Start && o.End >= m.End && o.End - o.Start > m.End - m.Start)).ToList();
    }

    private static bool ClauseHas(string text, int at, IReadOnlyList<string> words)
    {
        var (start, end) = Span(text, at, [Clause, Sentence]);
        var clause = text[start..end];
        return words.Any(w => clause.Contains(w, StringComparison.Ordinal));
    }

    private static bool SentenceHasElsewhere(string text, int at, int length, string word)
    {
        var (start, end) = Span(text, at, [Sentence]);
        foreach (var i in Occurrences(text, word))
            if (i >= start && i + word.Length <= end && (i + word.Length <= at || i >= at + length)) return true;
        return false;
    }

    private static bool SentenceHasAny(List<(int Start, int End, Marker Kind)> markers, string text, int at, params Marker[] kinds)
    {
        var (start, end) = Span(text, at, [Sentence]);
        return markers.Any(m => m.Start >= start && m.End <= end && kinds.Contains(m.Kind));
    }

    private static bool EndsRightBefore(string text, int at, string word)
    {
        // Directly before, or with one character between (说要跳楼, 想去自杀).
        for (var gap = 0; gap <= 1; gap++)
        {
            var start = at - gap - word.Length;
            if (start >= 0 && string.CompareOrdinal(text, start, word, 0, word.Length) == 0) return true;
        }
        return false;
    }

    private static (int Start, int End) Span(string text, int at, char[] boundaries)
    {
        var start = at == 0 ? 0 : text.LastIndexOfAny(boundaries, at - 1) + 1;
        var end = text.IndexOfAny(boundaries, at);
        return (start, end < 0 ? text.Length : end);
    }

    private static IEnumerable<int> Occurrences(string text, string word)
    {
        if (word.Length == 0) yield break;
        for (var i = text.IndexOf(word, StringComparison.Ordinal); i >= 0; i = text.IndexOf(word, i + 1, StringComparison.Ordinal))
            yield return i;
    }

    /// <summary>
    /// Compacts the message as the lexicon is compacted, keeping sentence (。) and clause (，) boundaries, and masks
    /// the excluded phrases (救命钱, 跳楼价) so no word inside them matches.
    /// </summary>
    private string Prepare(string message)
    {
        var folded = TextNormalizer.FoldWidth(message).ToLowerInvariant().Replace("🆘", "救命", StringComparison.Ordinal);
        var sb = new StringBuilder(folded.Length);
        foreach (var c in folded)
        {
            if (TextNormalizer.IsCjk(c) || char.IsLetterOrDigit(c)) sb.Append(TextNormalizer.ToSimplified(c));
            else if (c is '。' or '！' or '？' or '!' or '?' or '\n' or '…') Boundary(Sentence);
            else if (c is '，' or ',' or '；' or ';' or '、' or ' ' or '\t' or '：' or ':' or '.') Boundary(Clause);
        }
        var text = sb.ToString();
        foreach (var (wrong, right) in Lexicon.Homophones)
            if (wrong.Length == right.Length) text = text.Replace(wrong, right, StringComparison.Ordinal);
            else text = text.Replace(wrong, right, StringComparison.Ordinal);
        foreach (var excluded in Lexicon.Excluded.Concat(Lexicon.Everyday))
            foreach (var at in Occurrences(text, excluded).ToList())
                text = string.Concat(text.AsSpan(0, at), new string(Masked, excluded.Length), text.AsSpan(at + excluded.Length));
        return text;

        void Boundary(char b)
        {
            if (sb.Length == 0) return;
            if (sb[^1] is Clause or Sentence)
            {
                if (b == Sentence) sb[^1] = Sentence;
                return;
            }
            sb.Append(b);
        }
    }
}
