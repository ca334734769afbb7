using System.Globalization;
using System.Text;
using ClosedXML.Excel;
using DocumentFormat.OpenXml;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Wordprocessing;
using W = DocumentFormat.OpenXml.Wordprocessing;

namespace LegalBot.Knowledge.Tests.Import;

/// <summary>Real .docx, .xlsx and .pdf files made in the test (Open XML SDK, ClosedXML, and a hand-written PDF).</summary>
internal static class OfficeSamples
{
    /// <summary>A Word document; a paragraph written "#N text" gets the built-in "heading N" style (N = 0: Title).</summary>
    public static byte[] Docx(params string[] paragraphs)
    {
        using var buffer = new MemoryStream();
        using (var doc = WordprocessingDocument.Create(buffer, WordprocessingDocumentType.Document))
        {
            var main = doc.AddMainDocumentPart();
            var styles = main.AddNewPart<StyleDefinitionsPart>();
            styles.Styles = new Styles(
                new Style(new StyleName { Val = "Title" }) { Type = StyleValues.Paragraph, StyleId = "Title" },
                new Style(new StyleName { Val = "heading 1" }) { Type = StyleValues.Paragraph, StyleId = "Heading1" },
                new Style(new StyleName { Val = "heading 2" }) { Type = StyleValues.Paragraph, StyleId = "Heading2" });
            var body = new Body();
            foreach (var p in paragraphs)
            {
                var paragraph = new Paragraph();
                var text = p;
                if (p.Length > 2 && p[0] == '#' && char.IsDigit(p[1]))
                {
                    var level = p[1] - '0';
                    paragraph.ParagraphProperties = new ParagraphProperties(new ParagraphStyleId { Val = level == 0 ? "Title" : "Heading" + level });
                    text = p[3..];
                }
                // Word writes an article's label in its own (often bold) run, then a full-width space.
                var article = text.IndexOf('\u3000', StringComparison.Ordinal);
                if (article > 0)
                {
                    paragraph.Append(new Run(new RunProperties(new Bold()), new W.Text(text[..article])));
                    paragraph.Append(new Run(new W.Text(text[article..]) { Space = SpaceProcessingModeValues.Preserve }));
                }
                else
                {
                    paragraph.Append(new Run(new W.Text(text)));
                }
                body.Append(paragraph);
            }
            main.Document = new Document(body);
        }
        return buffer.ToArray();
    }

    /// <summary>An Excel workbook: one sheet per entry, first row the headers.</summary>
    public static byte[] Xlsx(params (string Sheet, string[][] Rows)[] sheets)
    {
        using var workbook = new XLWorkbook();
        foreach (var (name, rows) in sheets)
        {
            var ws = workbook.Worksheets.Add(name);
            for (var r = 0; r < rows.Length; r++)
                for (var c = 0; c < rows[r].Length; c++)
                    ws.Cell(r + 1, c + 1).Value = rows[r][c];
        }
        using var buffer = new MemoryStream();
        workbook.SaveAs(buffer);
        return buffer.ToArray();
    }

    /// <summary>
    /// A one-column text PDF the way Chinese PDFs carry text: a Type0 font with Identity-H codes and a ToUnicode map
    /// (not embedded: the text layer is what an importer reads). Each paragraph is wrapped at <paramref name="perLine"/>
    /// characters, its first line indented two characters; a paragraph written "!text" is a 18 pt title.
    /// </summary>
    public static byte[] Pdf(int perLine, params string[] paragraphs)
    {
        var chars = paragraphs.SelectMany(p => p).Where(c => c != '!').Distinct().ToList();
        int Cid(char c) => chars.IndexOf(c) + 1;
        string Hex(string s) => string.Concat(s.Select(c => Cid(c).ToString("X4", CultureInfo.InvariantCulture)));

        var pages = new List<StringBuilder>();
        StringBuilder? content = null;
        var y = 0.0;
        void Emit(string text, double x, double size)
        {
            if (content is null || y < 72) { content = new StringBuilder(); pages.Add(content); y = 770; }
            content.Append(CultureInfo.InvariantCulture, $"BT /F1 {size} Tf {x} {y:F1} Td <{Hex(text)}> Tj ET\n");
            y -= size * 1.6;
        }
        foreach (var p in paragraphs)
        {
            if (p.StartsWith('!')) { Emit(p[1..], 72, 18); continue; }
            var first = true;
            for (var i = 0; i < p.Length;)
            {
                var take = Math.Min(first ? perLine - 2 : perLine, p.Length - i);
                Emit(p.Substring(i, take), first ? 96 : 72, 12);
                i += take;
                first = false;
            }
        }

        var objects = new List<string>
        {
            "<< /Type /Catalog /Pages 2 0 R >>",
            "<< /Type /Pages /Kids [" + string.Join(' ', pages.Select((_, i) => $"{7 + 2 * i} 0 R")) + $"] /Count {pages.Count} >>",
            "<< /Type /Font /Subtype /Type0 /BaseFont /NotoSansCJKsc-Regular /Encoding /Identity-H /DescendantFonts [4 0 R] /ToUnicode 6 0 R >>",
            "<< /Type /Font /Subtype /CIDFontType2 /BaseFont /NotoSansCJKsc-Regular /CIDSystemInfo << /Registry (Adobe) /Ordering (Identity) /Supplement 0 >> /FontDescriptor 5 0 R /DW 1000 /CIDToGIDMap /Identity >>",
            "<< /Type /FontDescriptor /FontName /NotoSansCJKsc-Regular /Flags 4 /FontBBox [0 -120 1000 880] /ItalicAngle 0 /Ascent 880 /Descent -120 /CapHeight 700 /StemV 80 >>",
        };
        var cmap = new StringBuilder("/CIDInit /ProcSet findresource begin 12 dict begin begincmap /CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def /CMapName /Adobe-Identity-UCS def /CMapType 2 def 1 begincodespacerange <0000> <FFFF> endcodespacerange\n");
        foreach (var batch in chars.Chunk(100))
        {
            cmap.Append(CultureInfo.InvariantCulture, $"{batch.Length} beginbfchar\n");
            foreach (var c in batch) cmap.Append(CultureInfo.InvariantCulture, $"<{Cid(c):X4}> <{(int)c:X4}>\n");
            cmap.Append("endbfchar\n");
        }
        cmap.Append("endcmap CMapName currentdict /CMap defineresource pop end end");
        objects.Add(Stream(cmap.ToString()));
        foreach (var page in pages)
        {
            objects.Add($"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 3 0 R >> >> /Contents {objects.Count + 2} 0 R >>");
            objects.Add(Stream(page.ToString()));
        }

        var pdf = new StringBuilder("%PDF-1.4\n");
        var offsets = new List<int>();
        for (var i = 0; i < objects.Count; i++)
        {
            offsets.Add(Encoding.ASCII.GetByteCount(pdf.ToString()));
            pdf.Append(CultureInfo.InvariantCulture, $"{i + 1} 0 obj\n{objects[i]}\nendobj\n");
        }
        var xref = Encoding.ASCII.GetByteCount(pdf.ToString());
        pdf.Append(CultureInfo.InvariantCulture, $"xref\n0 {objects.Count + 1}\n0000000000 65535 f \n");
        foreach (var o in offsets) pdf.Append(CultureInfo.InvariantCulture, $"{o:D10} 00000 n \n");
        pdf.Append(CultureInfo.InvariantCulture, $"trailer\n<< /Size {objects.Count + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n");
        return Encoding.ASCII.GetBytes(pdf.ToString());
    }

    private static string Stream(string data) => $"<< /Length {Encoding.ASCII.GetByteCount(data)} >>\nstream\n{data}\nendstream";
}
