namespace LegalBot.Knowledge.Import;

/// <summary>Every Chinese message of the import (the desk and <c>legalbot import</c> show them as they are), in one place.</summary>
public static class ImportTexts
{
    public const string Extensions = ".md、.docx、.pdf、.xlsx";

    public static string UnsupportedType(string name) => $"不支持的文件类型：{name}（可以导入 {Extensions}）。";
    public static string TooLarge(long bytes, long max) => $"文件 {bytes / 1024} KB，超过 {max / 1024} KB 的上限，请拆分后再导入。";
    public static string Unreadable(string kind, string reason) => $"无法读取{kind}文件：{reason}";
    public const string EmptyDocument = "文件里没有文字（扫描件需先做文字识别）。";
    public const string NotUtf8 = "Markdown 文件须为 UTF-8 编码。";

    public const string NoArticles = "看起来是法规，但没有找到以“第X条”开头的条文。";
    public static string ArticleOutOfOrder(string label, string previous) => $"条文 {label} 排在 {previous} 之后，请核对原文顺序。";

    public const string NoSheet = "工作簿里没有内容。";
    public const string NoHeaderRow = "前 10 行里没有找到表头（至少要有“事项名称”一列）。";
    public static string MissingColumn(string column, string synonyms) => $"缺少“{column}”列（可用的列名：{synonyms}）。";
    public static string UnknownColumn(string header) => $"不认识的列“{header}”，已作为小节原样保留；如是已知内容，请改成标准列名。";
    public static string RowWithoutName(int row) => $"第 {row} 行没有事项名称，已跳过。";
    public static string RowWithoutDepartment(int row, string fallback) => $"第 {row} 行没有部门，归入“{fallback}”。";
    public const string NoItems = "表格里没有事项。";
    public const string UnknownDepartment = "其他部门";

    public static string Source(string fileName) => $"导入自 {fileName}";
    public static string HandbookTitle(string department) => $"{department}办事指南";

    public static string BadPath(string path) => $"保存路径“{path}”不合规：须是知识库文件夹内以 .md 结尾的相对路径，不能含“..”或隐藏文件夹。";
    public static string FileExists(string path) => $"知识库里已有 {path}；确认要覆盖时请选择覆盖（命令行加 --overwrite）。";
    public static string PathTaken(string path, string owner) => $"编号与 {owner} 重复（{path}），请修改 id 或文件名。";
}
