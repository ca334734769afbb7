namespace LegalBot.Service.Endpoints;

/// <summary>Chinese text of the 知识库 page's API (errors the desk shows as they come), in one place.</summary>
public static class StaffKnowledgeTexts
{
    public const string NoFile = "请选择要导入的文件（表单字段 file）。";
    public const string NotMultipart = "请以 multipart/form-data 上传文件。";
    public static string TooLarge(long max) => $"文件超过 {max / 1024 / 1024} MB 的上限，请拆分后再导入。";
    public const string BadBody = "请求内容应为 JSON：{\"path\": \"guides/…md\", \"markdown\": \"…\"}。";
    public static string MarkdownTooLarge(long max) => $"内容超过 {max / 1024} KB 的上限（Knowledge:MaxFileBytes），请拆分成几个文件。";
    public const string HasProblems = "内容有问题，未保存；请按提示修改后再保存。";
}
