using System.Text;

namespace LegalBot.Knowledge.Editing;

/// <summary>
/// A knowledge file as lines, for edits that touch only the lines they add: the byte-order mark, the line ending
/// (LF or CRLF) and the final newline come back exactly as they were.
/// </summary>
internal sealed class MarkdownLines
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);
    private readonly bool _bom;
    private readonly string _newline;

    private MarkdownLines(bool bom, string newline, List<string> lines)
    {
        _bom = bom;
        _newline = newline;
        Lines = lines;
    }

    /// <summary>The lines without their endings; a file ending in a newline has an empty last element.</summary>
    public List<string> Lines { get; }

    /// <summary>The file's lines; null when it is not UTF-8 (the parser reports that).</summary>
    public static MarkdownLines? Read(byte[] content)
    {
        var bom = content.AsSpan().StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF]);
        string text;
        try { text = StrictUtf8.GetString(bom ? content[3..] : content); }
        catch (DecoderFallbackException) { return null; }
        var newline = text.Contains("\r\n", StringComparison.Ordinal) ? "\r\n" : "\n";
        return new MarkdownLines(bom, newline, [.. text.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n')]);
    }

    /// <summary>The closing line of the front matter (<c>---</c>), or -1 when the file has none.</summary>
    public int FrontMatterEnd()
    {
        if (Lines.Count == 0 || Lines[0].TrimEnd() != "---") return -1;
        for (var i = 1; i < Lines.Count; i++)
            if (Lines[i].TrimEnd() is "---" or "...") return i;
        return -1;
    }

    public byte[] ToBytes()
    {
        var text = Encoding.UTF8.GetBytes(string.Join(_newline, Lines));
        return _bom ? [0xEF, 0xBB, 0xBF, .. text] : text;
    }
}
