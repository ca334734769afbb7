namespace LegalBot.Service.Endpoints;

/// <summary>Chinese text of the 群众提问 page's API (the desk shows these as they come), in one place.</summary>
public static class StaffQuestionTexts
{
    public const string QuestionRequired = "请填写要添加的问法。";
    public const string DocumentRequired = "请选择要添加到的事项、指南章节或法条。";
    public const string SearchRequired = "请输入要查找的问题或关键词。";
    public const string ChangedMeanwhile = "这个文件刚被修改过（其他工作人员或另一台服务器），请刷新后再试。";

    public static string UnknownDocument(string id) => $"没有找到“{id}”：事项、指南章节或法条的编号有误，或文件已删除。";
    public static string ChooseSection(string title) => $"《{title}》有多个章节，请选择具体的章节或条文。";
    public static string Added(string title) => $"已把这个问法添加到“{title}”，知识库已更新。";
    public static string Duplicate(string title) => $"“{title}”里已经有这个问法，没有改动。";
    public static string Refused(string problem) => $"无法自动添加：{problem}。请在知识库文件里手工修改。";
}
