using LegalBot.Knowledge.Documents;

namespace LegalBot.Knowledge.Text;

/// <summary>One training example: a message and whether it is of the positive kind.</summary>
/// <param name="Weight">How much the example counts in training (1 for a hand-labelled one).</param>
public sealed record LabelledText(string Text, bool Positive, double Weight = 1.0)
{
    /// <summary>
    /// An examples file staff edit: "+ " and "- " lines (positive, negative), "#" comments and blank lines skipped;
    /// any other line is a problem (<paramref name="expected"/> says what was expected) and is left out.
    /// </summary>
    public static IReadOnlyList<LabelledText> Parse(string text, string path, string expected, List<KnowledgeDiagnostic> problems)
    {
        var examples = new List<LabelledText>();
        var lines = text.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            var line = lines[i].Trim();
            if (line.Length == 0 || line.StartsWith('#')) continue;
            if (line.Length > 2 && line[0] is '+' or '-' && line[1] == ' ') examples.Add(new(line[2..].Trim(), line[0] == '+'));
            else problems.Add(new(path, i + 1, expected));
        }
        return examples;
    }
}
