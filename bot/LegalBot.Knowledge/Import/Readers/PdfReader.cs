using System.Text;
using System.Text.RegularExpressions;
using UglyToad.PdfPig;
using UglyToad.PdfPig.Content;

namespace LegalBot.Knowledge.Import.Readers;

/// <summary>
/// The paragraphs of a text PDF. A PDF has only positioned letters: they are grouped into lines by baseline, and lines
/// into paragraphs where a line is indented, follows a short line, starts a 第X条/章/节, or sits after a wide gap.
/// Lines in a clearly larger font become headings; page numbers are dropped.
/// </summary>
public static partial class PdfReader
{
    private sealed record Line(string Text, double Left, double Right, double Baseline, double Size, int Page);

    public static IReadOnlyList<SourceParagraph> Read(byte[] content)
    {
        PdfDocument document;
        try
        {
            document = PdfDocument.Open(content);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            throw new ImportException(ImportTexts.Unreadable("PDF", ex.Message));
        }
        using (document)
        {
            var lines = new List<Line>();
            foreach (var page in document.GetPages()) lines.AddRange(Lines(page));
            if (lines.Count == 0) throw new ImportException(ImportTexts.EmptyDocument);
            return Paragraphs(lines);
        }
    }

    private static IEnumerable<Line> Lines(Page page)
    {
        // Letters on one line share a baseline (to within a fraction of their size): top to bottom, then left to right.
        var letters = page.Letters.Where(l => l.Value.Length > 0).OrderByDescending(l => l.StartBaseLine.Y).ThenBy(l => l.StartBaseLine.X).ToList();
        var group = new List<Letter>();
        foreach (var letter in letters)
        {
            if (group.Count > 0 && Math.Abs(group[0].StartBaseLine.Y - letter.StartBaseLine.Y) > Math.Max(1, group[0].PointSize * 0.3))
            {
                if (ToLine(group, page.Number) is { } line) yield return line;
                group.Clear();
            }
            group.Add(letter);
        }
        if (ToLine(group, page.Number) is { } last) yield return last;
    }

    private static Line? ToLine(List<Letter> group, int page)
    {
        if (group.Count == 0) return null;
        var ordered = group.OrderBy(l => l.StartBaseLine.X).ToList();
        var s = string.Concat(ordered.Select(l => l.Value)).Trim();
        if (s.Length == 0 || PageNumber().IsMatch(s)) return null;
        var size = ordered.Select(l => l.PointSize).Order().ElementAt(ordered.Count / 2);
        return new Line(s, ordered[0].StartBaseLine.X, ordered[^1].EndBaseLine.X, ordered[0].StartBaseLine.Y, size, page);
    }

    private static List<SourceParagraph> Paragraphs(List<Line> lines)
    {
        var body = lines.GroupBy(l => Math.Round(l.Size)).OrderByDescending(g => g.Sum(l => l.Text.Length)).First().Key;
        var left = lines.Where(l => Math.Round(l.Size) == body).Min(l => l.Left);
        var right = lines.Where(l => Math.Round(l.Size) == body).Max(l => l.Right);
        var largest = lines.Max(l => l.Size);
        var paragraphs = new List<SourceParagraph>();
        var current = new StringBuilder();
        Line? previous = null;
        void Flush()
        {
            if (current.Length > 0) paragraphs.Add(new SourceParagraph(current.ToString().Trim()));
            current.Clear();
        }
        foreach (var line in lines)
        {
            if (line.Size > body * 1.15)
            {
                // A heading: the largest size is the title, anything else between it and body text a section.
                Flush();
                paragraphs.Add(new SourceParagraph(line.Text, line.Size >= largest * 0.98 ? 1 : 2));
                previous = null;
                continue;
            }
            var startsParagraph = previous is null
                || line.Page != previous.Page && line.Left > left + body * 0.8
                || line.Page == previous.Page && previous.Baseline - line.Baseline > body * 2.2
                || line.Left > left + body * 0.8
                || previous.Right < right - body * 1.5
                || StatuteText.StartsStructure(line.Text);
            if (startsParagraph) Flush();
            else if (NeedsSpace(current, line.Text)) current.Append(' ');
            current.Append(line.Text);
            previous = line;
        }
        Flush();
        return paragraphs;
    }

    /// <summary>Latin words broken across lines get their space back; Chinese text joins directly.</summary>
    private static bool NeedsSpace(StringBuilder current, string next) =>
        current.Length > 0 && char.IsAsciiLetterOrDigit(current[^1]) && char.IsAsciiLetterOrDigit(next[0]);

    [GeneratedRegex(@"^(?:[-—–\s]*\d+[-—–\s]*|第\s*\d+\s*页(?:\s*[/，,]?\s*共\s*\d+\s*页)?)$")]
    private static partial Regex PageNumber();
}
