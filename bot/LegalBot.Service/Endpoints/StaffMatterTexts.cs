namespace LegalBot.Service.Endpoints;

/// <summary>Chinese text of the 新建事项 / 编辑事项 API (the desk shows these as they come), in one place. The check's own problems are in MatterTexts.</summary>
public static class StaffMatterTexts
{
    public const string QuestionRequired = "请提供群众的提问，才能起草事项。";
    public const string BadDraftBody = "请求内容应为 JSON：{\"question\": \"…\"}。";
    public const string BadSaveBody = "请求内容应为 JSON：{\"path\": \"matters/领域/文件名.md\", \"markdown\": \"…\"}。";
    public const string BadPreviewBody = "请求内容应为 JSON：{\"path\": \"…\", \"fields\": {…}} 或 {\"path\": \"…\", \"markdown\": \"…\"}。";
    public const string HasProblems = "事项还有问题，未保存；请按提示（行号）修改后再保存。";
    public const string ChangedMeanwhile = "这个事项文件刚被修改过（其他工作人员或另一台服务器），请重新打开后再改。";
    public static string TooLarge(long max) => $"内容超过 {max / 1024} KB 的上限，请精简解答。";
    public static string UnknownMatter(string id) => $"没有找到事项“{id}”：编号有误，或文件有问题未能加载（见知识库页）。";
    public static string Saved(string title, bool created) => created ? $"已新建事项“{title}”，知识库已更新。" : $"已保存事项“{title}”，知识库已更新。";
}
