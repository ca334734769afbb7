using System.Text.RegularExpressions;
using LegalBot.Cases.Privacy;

namespace LegalBot.Conversation.Questions;

/// <summary>
/// What staff see of a citizen's question, and what may be written into the knowledge folder: numbers masked as
/// everywhere (<see cref="PiiMasking"/>), and a name the citizen introduced (我叫张三丰) kept to the family name.
/// </summary>
public static partial class QuestionMasking
{
    public static string Mask(string question) =>
        SelfIntroducedName().Replace(PiiMasking.Mask(question), m => m.Groups["intro"].Value + PiiMasking.MaskName(m.Groups["name"].Value));

    // "我叫/名叫/本人叫/姓名(：)" then a 2–3 character name; 我是… is left alone (我是农民工 is no name).
    [GeneratedRegex(@"(?<intro>(?:我叫|名叫|本人叫|我的名字叫|我的名字是|姓名\s*[:：是]?)\s*)(?<name>[\u4e00-\u9fff]{2,3})")]
    private static partial Regex SelfIntroducedName();
}
