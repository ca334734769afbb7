using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using LegalBot.Knowledge.Offices;
using LegalBot.Knowledge.Text;
using Markdig;
using Markdig.Extensions.Yaml;
using Markdig.Syntax;

namespace LegalBot.Knowledge.Documents;

public sealed record ParseResult(KnowledgeDocument? Document, IReadOnlyList<KnowledgeDiagnostic> Diagnostics)
{
    public bool Ok => Document is not null && Diagnostics.Count == 0;
}

/// <summary>
/// Turns one Markdown knowledge file into a document and its chunks. Pure: bytes in, result out.
/// Statutes are cut per article (第X条 / 第X条之Y, with every following paragraph and item until the next
/// article or heading); guides, handbooks and office pages per heading section.
/// </summary>
public static partial class MarkdownDocumentParser
{
    private static readonly MarkdownPipeline Pipeline = new MarkdownPipelineBuilder().UseYamlFrontMatter().Build();
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>Marker line that ends the enactment/amendment history in the statute corpus format.</summary>
    public const string InfoEndMarker = "INFO END";

    /// <summary>
    /// Parses one file in isolation. Whatever the content, the result is a document or problems: limits are checked
    /// before Markdig and YamlDotNet see the text (deep nesting can overflow their stacks), and anything they
    /// throw becomes a problem at the file's line 1.
    /// </summary>
    public static ParseResult Parse(string relativePath, byte[] content, KnowledgeLimits? limits = null)
    {
        var path = relativePath.Replace('\\', '/');
        limits ??= KnowledgeLimits.Default;
        if (content.LongLength > limits.MaxFileBytes)
            return new ParseResult(null, [new(path, 1, $"file is {content.LongLength / 1024} KB, over the {limits.MaxFileBytes / 1024} KB limit: split it")]);
        try
        {
            return ParseChecked(path, content, limits);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            return new ParseResult(null, [new(path, 1, "could not be read (" + ex.GetType().Name + "): " + FirstLine(ex.Message))]);
        }
    }

    private static ParseResult ParseChecked(string path, byte[] content, KnowledgeLimits limits)
    {
        var diagnostics = new List<KnowledgeDiagnostic>();
        if (!TryDecode(content, path, out var text, diagnostics)) return new ParseResult(null, diagnostics);
        if (InputLimits.Check(text, path, limits) is { } tooDeep) return new ParseResult(null, [tooDeep]);

        var fileHash = Convert.ToHexStringLower(SHA256.HashData(content));
        var markdown = Markdown.Parse(text, Pipeline);

        var front = FrontMatter.Empty;
        string? frontMatterYaml = null;
        var frontMatterLine = 1;
        var blocks = markdown.ToList();
        if (blocks.Count > 0 && blocks[0] is YamlFrontMatterBlock yamlBlock)
        {
            frontMatterYaml = string.Join('\n', yamlBlock.Lines.Lines.Take(yamlBlock.Lines.Count).Select(l => l.ToString()));
            frontMatterLine = yamlBlock.Line + 2;
            front = FrontMatter.Parse(frontMatterYaml, frontMatterLine, path, diagnostics);
            if (diagnostics.Count > 0) return new ParseResult(null, diagnostics);
            // Lessons, quizzes and campaigns teach rather than answer: the publicity catalog reads and checks them.
            if (front.Kind is { } k && Publicity.PublicityCatalog.IsPublicityKind(k)) return new ParseResult(null, []);
            blocks.RemoveAt(0);
        }
        else if (text.StartsWith("---", StringComparison.Ordinal) && FirstLine(text).Trim() == "---")
        {
            diagnostics.Add(new(path, 1, "front matter starts with '---' but has no closing '---' line"));
            return new ParseResult(null, diagnostics);
        }

        var body = ReadBody(text, blocks, path, diagnostics);
        var title = front.Title ?? body.H1.FirstOrDefault() ?? body.FirstHeading;
        if (title is null)
        {
            diagnostics.Add(new(path, 1, "no title: add 'title:' to the front matter or a '# 标题' line"));
        }
        if (body.Sections.Count == 0 && body.Articles.Count == 0)
        {
            diagnostics.Add(new(path, body.LastLine, "empty document: no text to answer from"));
        }

        var kind = front.Kind ?? (body.LooksLikeStatute ? DocumentKind.Regulation : DocumentKind.Guide);
        if (kind == DocumentKind.Regulation && body.Articles.Count == 0 && body.Sections.Count > 0)
        {
            diagnostics.Add(new(path, body.Sections[0].Line, "kind is regulation but no article starts with '第X条 '"));
        }

        if (diagnostics.Count > 0 || title is null) return new ParseResult(null, diagnostics);

        var docId = front.Id ?? DefaultId(path);
        // An office file must also be a valid directory entry; otherwise its last good version keeps serving.
        if (kind == DocumentKind.Office && OfficeProfile.Parse(frontMatterYaml ?? "", frontMatterLine, path, docId, title, diagnostics) is null)
            return new ParseResult(null, diagnostics);
        MatterProfile? matter = null;
        if (kind == DocumentKind.Matter)
        {
            var sections = body.Sections.Where(x => x.Headings.Count > 0)
                .GroupBy(x => x.Headings[^1], StringComparer.Ordinal)
                .ToDictionary(g => g.Key, g => (g.First().Line, string.Join('\n', g.SelectMany(x => x.Pieces).Select(p => p.Text))), StringComparer.Ordinal);
            matter = MatterProfile.Parse(frontMatterYaml ?? "", frontMatterLine, path, docId, title, sections, diagnostics);
            if (matter is null) return new ParseResult(null, diagnostics);
        }
        var part = front.Title is null && body.H1.Count > 1 ? body.H1[1] : null;
        // Statutes as staff drop them in carry their date in the file name: 劳动合同法(2012-12-28).md.
        var effective = front.Effective ?? (kind == DocumentKind.Regulation ? DateFromFileName(path) : null);
        var info = new DocumentInfo(docId, path, fileHash, title, part, kind, front.Region, front.Department,
            effective, front.Source, front.Tags, frontMatterYaml);

        var chunks = matter is not null ? [MatterChunk(docId, matter, body)]
            : kind == DocumentKind.Regulation && body.Articles.Count > 0
            ? BuildArticleChunks(docId, part, body, path, diagnostics)
            : BuildSectionChunks(docId, body);
        // Sections and articles take citizens' wordings from the front matter (a matter has its 常见问法 list).
        if (matter is null)
            chunks = ChunkQuestions.Attach(chunks, frontMatterYaml, frontMatterLine, path, diagnostics,
                (c, questions) => ChunkHash(c.ArticleLabel, c.HeadingPath, c.Text, questions, c.ArticleReferences));
        return diagnostics.Count > 0 ? new ParseResult(null, diagnostics) : new ParseResult(new KnowledgeDocument(info, chunks), diagnostics);
    }

    /// <summary>Default document id: the relative path without its extension.</summary>
    public static string DefaultId(string relativePath)
    {
        var p = relativePath.Replace('\\', '/');
        return p.EndsWith(".md", StringComparison.OrdinalIgnoreCase) ? p[..^3] : p;
    }

    private static bool TryDecode(byte[] content, string path, out string text, List<KnowledgeDiagnostic> diagnostics)
    {
        var bytes = content.AsSpan();
        if (bytes.StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF])) bytes = bytes[3..];
        try
        {
            text = StrictUtf8.GetString(bytes).Replace("\r\n", "\n", StringComparison.Ordinal).Replace('\r', '\n');
            // Zero-width characters from copy-pasted web pages make blank lines non-blank and glue articles together.
            text = ZeroWidth().Replace(text, "");
            return true;
        }
        catch (DecoderFallbackException)
        {
            // Find the line holding the first invalid byte so staff can fix it.
            var line = 1;
            var start = 0;
            for (var i = 0; i <= bytes.Length; i++)
            {
                if (i < bytes.Length && bytes[i] != (byte)'\n') continue;
                try { StrictUtf8.GetString(bytes[start..i]); }
                catch (DecoderFallbackException) { break; }
                line++;
                start = i + 1;
            }
            diagnostics.Add(new(path, line, "invalid UTF-8: save the file as UTF-8 (GBK/GB2312 is not supported)"));
            text = "";
            return false;
        }
    }

    private static string FirstLine(string text)
    {
        var i = text.IndexOf('\n', StringComparison.Ordinal);
        return i < 0 ? text : text[..i];
    }

    // ---- body walk --------------------------------------------------------------------------

    private sealed record Piece(int Line, string Text);

    private sealed class Section(IReadOnlyList<string> headings, int line)
    {
        public IReadOnlyList<string> Headings { get; } = headings;
        public int Line { get; } = line;
        public List<Piece> Pieces { get; } = [];
    }

    private sealed class Article(ArticleLabel label, IReadOnlyList<string> headings, int line)
    {
        public ArticleLabel Label { get; } = label;
        public IReadOnlyList<string> Headings { get; } = headings;
        public int Line { get; } = line;
        public List<string> Paragraphs { get; } = [];
    }

    private sealed class Body
    {
        public List<string> H1 { get; } = [];
        public string? FirstHeading { get; set; }
        public List<Section> Sections { get; } = [];
        public List<Article> Articles { get; } = [];
        public int LastLine { get; set; } = 1;
        public int LooseParagraphsBeforeFirstArticle { get; set; }
        public bool LooksLikeStatute => Articles.Count > 0 && LooseParagraphsBeforeFirstArticle <= 3;
    }

    private static Body ReadBody(string text, List<Block> blocks, string path, List<KnowledgeDiagnostic> diagnostics)
    {
        var body = new Body();
        // History (enactment and amendments) before the INFO END marker is not citable content.
        var infoEnd = blocks.FindIndex(b => b is HtmlBlock && Slice(text, b).Contains(InfoEndMarker, StringComparison.Ordinal));
        var headings = new List<(int Level, string Text)>();
        Section? section = null;
        Article? article = null;

        for (var i = 0; i < blocks.Count; i++)
        {
            var block = blocks[i];
            var line = block.Line + 1;
            body.LastLine = Math.Max(body.LastLine, line);
            if (block is HeadingBlock h)
            {
                var headingText = CleanHeading(Slice(text, h));
                if (h.Level == 1 && (i < infoEnd || body.H1.Count < 2 && body.Sections.Count == 0 && body.Articles.Count == 0))
                {
                    body.H1.Add(headingText);
                    continue;
                }
                body.FirstHeading ??= headingText;
                headings.RemoveAll(x => x.Level >= h.Level);
                headings.Add((h.Level, headingText));
                section = null;
                article = null;
                continue;
            }
            if (i <= infoEnd) continue;
            if (block is HtmlBlock html && Slice(text, html).TrimStart().StartsWith("<!--", StringComparison.Ordinal)) continue;
            if (block is LinkReferenceDefinitionGroup or ThematicBreakBlock) continue;

            var raw = Slice(text, block).Trim();
            if (raw.Length == 0) continue;

            if (block is ParagraphBlock)
            {
                // Split by line: an article may start inside a paragraph when staff leave out the blank line.
                var lines = raw.Split('\n');
                var pending = new List<string>();
                for (var li = 0; li < lines.Length; li++)
                {
                    if (ArticleStart().Match(lines[li]) is { Success: true } m && ArticleLabel.TryParse(m.Groups[1].Value, out var label))
                    {
                        FlushPending();
                        article = new Article(label, headings.Select(x => x.Text).ToList(), line + li);
                        article.Paragraphs.Add(lines[li]);
                        body.Articles.Add(article);
                        section = null;
                    }
                    else if (article is not null)
                    {
                        article.Paragraphs[^1] += "\n" + lines[li];
                    }
                    else
                    {
                        pending.Add(lines[li]);
                    }
                }
                FlushPending();
                continue;

                void FlushPending()
                {
                    if (pending.Count == 0) return;
                    AddLoose(string.Join('\n', pending), line);
                    pending.Clear();
                }
            }
            if (article is not null)
            {
                article.Paragraphs.Add(raw);
                continue;
            }
            AddLoose(raw, line);
        }
        body.LastLine = Math.Max(body.LastLine, text.TrimEnd('\n').Count(c => c == '\n') + 1);
        return body;

        void AddLoose(string raw, int line)
        {
            if (body.Articles.Count == 0) body.LooseParagraphsBeforeFirstArticle++;
            if (section is null)
            {
                section = new Section(headings.Select(x => x.Text).ToList(), line);
                body.Sections.Add(section);
            }
            section.Pieces.Add(new Piece(line, raw));
        }
    }

    private static string Slice(string text, Block block)
    {
        var start = Math.Clamp(block.Span.Start, 0, text.Length);
        var end = Math.Clamp(block.Span.End + 1, start, text.Length);
        return text[start..end];
    }

    /// <summary>"## 第二节  监  护" → "第二节 监护": the label keeps one space, typographic spacing inside words goes.</summary>
    internal static string CleanHeading(string raw)
    {
        var t = raw.Trim().TrimStart('#').TrimEnd('#').Trim();
        var m = HeadingLabel().Match(t);
        if (m.Success)
        {
            var rest = t[m.Length..].Trim();
            return rest.Length == 0 ? m.Value.Trim() : m.Value.Trim() + " " + SqueezeCjkSpaces(rest);
        }
        return SqueezeCjkSpaces(t);
    }

    private static string SqueezeCjkSpaces(string s) => CjkGap().Replace(Whitespace().Replace(s, " "), "");

    private static List<KnowledgeChunk> BuildArticleChunks(string docId, string? part, Body body, string path, List<KnowledgeDiagnostic> diagnostics)
    {
        var chunks = new List<KnowledgeChunk>(body.Articles.Count + body.Sections.Count);
        var seen = new Dictionary<ArticleLabel, int>();
        foreach (var a in body.Articles)
        {
            if (seen.TryGetValue(a.Label, out var firstLine))
            {
                diagnostics.Add(new(path, a.Line, $"duplicate article label {a.Label} (first at line {firstLine})"));
                continue;
            }
            seen[a.Label] = a.Line;
        }
        // A preamble (序言) or other text before the articles stays retrievable as a section.
        foreach (var s in body.Sections)
        {
            chunks.Add(SectionChunk(docId, chunks.Count, s, PrefixPart(part, s.Headings)));
        }
        foreach (var a in body.Articles)
        {
            var label = a.Label.ToString();
            var headings = PrefixPart(part, a.Headings);
            var chunkText = string.Join('\n', a.Paragraphs);
            chunks.Add(new KnowledgeChunk($"{docId}#{label}", docId, chunks.Count, label, headings, chunkText, a.Line,
                ChunkHash(label, headings, chunkText)));
        }
        return chunks;
    }

    private static IReadOnlyList<string> PrefixPart(string? part, IReadOnlyList<string> headings) =>
        part is null ? headings : [part, .. headings];

    private static List<KnowledgeChunk> BuildSectionChunks(string docId, Body body)
    {
        var chunks = new List<KnowledgeChunk>(body.Sections.Count);
        foreach (var s in body.Sections) chunks.Add(SectionChunk(docId, chunks.Count, s, s.Headings));
        // Guides that still contain articles (e.g. a handbook quoting a statute) keep them inline.
        foreach (var a in body.Articles)
        {
            var chunkText = string.Join('\n', a.Paragraphs);
            var label = a.Label.ToString();
            chunks.Add(new KnowledgeChunk($"{docId}#{label}", docId, chunks.Count, label, a.Headings, chunkText, a.Line,
                ChunkHash(label, a.Headings, chunkText)));
        }
        // Anchors must be unique within a document even when two sections share a heading path.
        var used = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < chunks.Count; i++)
        {
            var id = chunks[i].Id;
            for (var n = 2; !used.Add(id); n++) id = $"{chunks[i].Id}~{n}";
            if (id != chunks[i].Id) chunks[i] = chunks[i] with { Id = id };
        }
        return chunks;
    }

    private static KnowledgeChunk SectionChunk(string docId, int ordinal, Section s, IReadOnlyList<string> headings)
    {
        var anchor = headings.Count == 0 ? "intro" : string.Join('/', headings);
        var chunkText = string.Join('\n', s.Pieces.Select(p => p.Text));
        var references = InlineReferences(chunkText);
        return new KnowledgeChunk($"{docId}#{anchor}", docId, ordinal, null, headings, chunkText, s.Line,
            ChunkHash(null, headings, chunkText, [], references), null, references.Count == 0 ? null : references);
    }

    /// <summary>
    /// A matter is one chunk: its answer as the text, its title as the heading, its wordings, and its references —
    /// the listed ones first, then the articles its answer cites inline （《法律援助法》第二条）, which it relies on too.
    /// </summary>
    private static KnowledgeChunk MatterChunk(string docId, MatterProfile matter, Body body)
    {
        var line = body.Sections.FirstOrDefault(x => x.Headings.Count > 0 && x.Headings[^1] == MatterProfile.AnswerHeading)?.Line ?? 1;
        IReadOnlyList<string> headings = [matter.Title];
        var references = matter.References.ToList();
        foreach (var inline in InlineReferences(matter.Answer))
            if (!references.Exists(r => r.Law == inline.Law && r.Article == inline.Article)) references.Add(inline with { Line = line });
        return new KnowledgeChunk(docId + "#matter", docId, 0, null, headings, matter.Answer, line,
            ChunkHash(null, headings, matter.Answer, matter.Questions, references), matter.Questions, references);
    }

    /// <summary>Citations written into a guide's text: （《法律援助法》第三十一条、第三十二条）.</summary>
    public static IReadOnlyList<ArticleReference> InlineReferences(string text)
    {
        var found = new List<ArticleReference>();
        foreach (Match m in InlineCitation().Matches(text))
        {
            var law = LawNames.Shorten(m.Groups[1].Value);
            foreach (Match label in ArticleInList().Matches(m.Groups[2].Value))
                if (ArticleLabel.TryParse(label.Value, out var parsed) && !found.Exists(r => r.Law == law && r.Article == parsed.ToString()))
                    found.Add(new ArticleReference(law, parsed.ToString()));
        }
        return found;
    }

    private static DateOnly? DateFromFileName(string path) =>
        FileNameDate().Match(Path.GetFileNameWithoutExtension(path)) is { Success: true } m
        && DateOnly.TryParseExact(m.Groups[1].Value, "yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.None, out var d)
            ? d : null;

    private static string ChunkHash(string? label, IReadOnlyList<string> headings, string text,
        IReadOnlyList<string>? questions = null, IReadOnlyList<ArticleReference>? references = null)
    {
        var payload = string.Join('\u001f', [label ?? "", string.Join('\u001e', headings), text,
            string.Join('\u001e', questions ?? []), string.Join('\u001e', (references ?? []).Select(r => r.Law + r.Article + "|" + r.Quote))]);
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(payload)).AsSpan(0, 16));
    }

    // An article paragraph starts with its label followed by white space (full-width space included).
    [GeneratedRegex(@"^(第[零〇一二两三四五六七八九十百千]+条(?:之[一二三四五六七八九十]+)?)[ \u3000\t]")]
    private static partial Regex ArticleStart();

    [GeneratedRegex(@"^第[零〇一二三四五六七八九十百千0-9]+[编分章节条款目](?=\s|$)")]
    private static partial Regex HeadingLabel();

    [GeneratedRegex(@"(?<=[\u4e00-\u9fff])\s+(?=[\u4e00-\u9fff])")]
    private static partial Regex CjkGap();

    [GeneratedRegex(@"\s+")]
    private static partial Regex Whitespace();

    [GeneratedRegex("[\u200b\u200c\u200d\u2060\ufeff]")]
    private static partial Regex ZeroWidth();

    [GeneratedRegex(@"《([^《》\n]{2,40})》((?:第[零〇一二两三四五六七八九十百千0-9]+条(?:之[一二三四五六七八九十]+)?(?:第[一二三四五六七八九十]+[款项])*[、，和及与至]?)+)")]
    private static partial Regex InlineCitation();

    [GeneratedRegex(@"第[零〇一二两三四五六七八九十百千0-9]+条(?:之[一二三四五六七八九十]+)?")]
    private static partial Regex ArticleInList();

    [GeneratedRegex(@"[（(](\d{4}-\d{2}-\d{2})[)）]\s*$")]
    private static partial Regex FileNameDate();
}
