using LegalBot.Knowledge.Text;

namespace LegalBot.Knowledge.Tests;

public class ChineseNumeralsTests
{
    [Theory]
    [InlineData(1, "一")]
    [InlineData(10, "十")]
    [InlineData(11, "十一")]
    [InlineData(20, "二十")]
    [InlineData(31, "三十一")]
    [InlineData(100, "一百")]
    [InlineData(101, "一百零一")]
    [InlineData(110, "一百一十")]
    [InlineData(260, "二百六十")]
    [InlineData(1001, "一千零一")]
    [InlineData(1010, "一千零一十")]
    [InlineData(1086, "一千零八十六")]
    [InlineData(1260, "一千二百六十")]
    [InlineData(20000, "二万")]
    [InlineData(20021, "二万零二十一")]
    public void Writes_numbers_as_statutes_print_them(int n, string expected) =>
        Assert.Equal(expected, ChineseNumerals.ToChinese(n));

    [Fact]
    public void Round_trips_every_article_number()
    {
        for (var n = 1; n <= 3000; n++)
        {
            Assert.True(ChineseNumerals.TryParse(ChineseNumerals.ToChinese(n), out var back));
            Assert.Equal(n, back);
        }
    }

    [Theory]
    [InlineData("两百", 200)]
    [InlineData("三〇", 30)]
    [InlineData("十", 10)]
    public void Parses_variants(string text, int expected)
    {
        Assert.True(ChineseNumerals.TryParse(text, out var n));
        Assert.Equal(expected, n);
    }

    [Fact]
    public void Rejects_non_numerals() => Assert.False(ChineseNumerals.TryParse("三条", out _));
}

public class ArticleLabelTests
{
    [Theory]
    [InlineData("第31条", "第三十一条")]
    [InlineData("第 31 条", "第三十一条")]
    [InlineData("第三十一条", "第三十一条")]
    [InlineData("第31条之1", "第三十一条之一")]
    [InlineData("第二百六十条之一", "第二百六十条之一")]
    [InlineData("第1086条", "第一千零八十六条")]
    public void Canonicalizes_labels(string input, string expected)
    {
        Assert.True(ArticleLabel.TryParse(input, out var label));
        Assert.Equal(expected, label.ToString());
    }

    [Fact]
    public void Canonicalizes_references_inside_text() =>
        Assert.Equal("依照民法典第一千零八十六条和第三十一条之一", ArticleLabel.Canonicalize("依照民法典第1086条和第31条之1"));

    [Fact]
    public void Labels_order_by_number_then_sub()
    {
        Assert.True(ArticleLabel.TryParse("第三条", out var a));
        Assert.True(ArticleLabel.TryParse("第三条之一", out var b));
        Assert.NotEqual(a, b);
        Assert.Equal(3, b.Number);
        Assert.Equal(1, b.Sub);
    }
}

public class TextNormalizerTests
{
    [Fact]
    public void Folds_full_width_and_punctuation() =>
        Assert.Equal("abc 我要 申请", TextNormalizer.Normalize("ＡＢＣ，我要！！申请。"));

    [Fact]
    public void Arabic_numbers_become_chinese_numerals_like_statutes() =>
        Assert.Equal("三十天 第一千零八十六条", TextNormalizer.Normalize("30天，第1086条"));

    [Theory]
    [InlineData("电话+86 138-1234-5678欠我12000元", "电话 欠我一万二千元")]
    [InlineData("身份证11010119900307123x，打0371-12345678", "身份证 打")]
    [InlineData("卡号6222021234567890", "卡号")]
    public void Phone_id_and_card_numbers_are_not_quantities(string text, string expected) =>
        Assert.Equal(expected, TextNormalizer.Normalize(TextNormalizer.WithoutIdentifiers(text)));

    [Fact]
    public void Folds_common_traditional_characters() =>
        Assert.Equal("离婚抚养费", TextNormalizer.Normalize("離婚撫養費"));

    [Fact]
    public void Keeps_latin_words_with_digits() => Assert.Equal("b2b", TextNormalizer.Normalize("B2B"));
}

public class TokenizerTests
{
    [Fact]
    public void Emits_unigrams_and_bigrams_per_chinese_run()
    {
        var terms = Tokenizer.Default.Tokenize("拖欠工资 abc");
        Assert.Equal(["拖", "欠", "工", "资", "拖欠", "欠工", "工资", "abc"], terms);
    }

    [Fact]
    public void Bigrams_do_not_cross_spaces() =>
        Assert.DoesNotContain("欠工", Tokenizer.Default.Tokenize("拖欠 工资"));
}

public class SynonymTableTests
{
    [Fact]
    public void Expands_colloquial_phrases_longest_first()
    {
        var diagnostics = new List<Documents.KnowledgeDiagnostic>();
        var table = SynonymTable.Parse("""
            # comment
            老板不给工资, 欠薪 => 拖欠劳动报酬
            老板 => 用人单位
            打官司 => 诉讼，起诉
            """, "synonyms.txt", diagnostics);
        Assert.Empty(diagnostics);
        Assert.Equal(["拖欠劳动报酬", "用人单位"], table.Expand(TextNormalizer.Normalize("老板不给工资怎么办")));
        Assert.Equal(["诉讼", "起诉"], table.Expand("要打官司"));
        Assert.Empty(table.Expand("你好"));
    }

    /// <summary>A story tells the words apart ("狗把邻居小孩咬了"): parts joined by + match within one clause, in any order.</summary>
    [Fact]
    public void Parts_joined_by_plus_match_within_one_clause()
    {
        var diagnostics = new List<Documents.KnowledgeDiagnostic>();
        var table = SynonymTable.Parse("狗+咬 => 饲养的动物\n狗+ => 坏\n", "synonyms.txt", diagnostics);
        Assert.Equal(["synonyms.txt:2: '狗+': each part joined by '+' needs a word of its own"], diagnostics.Select(d => d.ToString()));
        Assert.Equal(["饲养的动物"], table.Expand(TextNormalizer.Normalize("我家狗把邻居小孩咬了，要赔多少")));
        Assert.Equal(["饲养的动物"], table.Expand(TextNormalizer.Normalize("咬我的那条狗是谁家的")));
        Assert.Empty(table.Expand(TextNormalizer.Normalize("我家养了条狗，蚊子咬得厉害")));
        Assert.Equal("狗咬", Assert.Single(table.Match(TextNormalizer.Normalize("狗把他咬了"))).Phrase);
    }

    [Fact]
    public void Reports_malformed_lines_with_line_numbers()
    {
        var diagnostics = new List<Documents.KnowledgeDiagnostic>();
        var table = SynonymTable.Parse("打官司 => 诉讼\n只有左边\n => 右边\n", "synonyms.txt", diagnostics);
        Assert.Equal(1, table.Count);
        Assert.Equal(["synonyms.txt:2: expected '口语说法 => 法律用语'", "synonyms.txt:3: both sides of '=>' need at least one word"],
            diagnostics.Select(d => d.ToString()));
    }

    [Fact]
    public void Repository_synonym_file_is_valid()
    {
        var diagnostics = new List<Documents.KnowledgeDiagnostic>();
        var table = SynonymTable.Parse(File.ReadAllText(TestPaths.Synonyms), "synonyms.txt", diagnostics);
        Assert.Empty(diagnostics);
        Assert.True(table.Count > 100);
        Assert.Contains("用人单位", table.Expand(TextNormalizer.Normalize("老板拖欠工资")));
        Assert.Contains("家庭暴力", table.Expand(TextNormalizer.Normalize("家暴")));
        Assert.Contains("诉讼", table.Expand(TextNormalizer.Normalize("打官司")));
    }
}
