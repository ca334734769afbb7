namespace LegalBot.Knowledge.Import.Readers;

/// <summary>What a column of an Excel 办事指南 holds.</summary>
public enum GuideField { Name, Department, Conditions, Materials, Location, TimeLimit, Phone, Fee, Basis, Process, Hours, Sequence, Other }

/// <summary>
/// The header names counties use for each field (their sheets differ: 时限 / 办理时限 / 承诺时限, 部门 / 实施主体 …).
/// Headers are compared without spaces, brackets, asterisks and line breaks.
/// </summary>
public static class GuideColumns
{
    private static readonly (GuideField Field, string Heading, string[] Names)[] Known =
    [
        (GuideField.Name, "事项名称", ["事项名称", "事项", "名称", "服务事项", "办理事项", "项目名称", "事项名", "业务名称", "服务名称"]),
        (GuideField.Department, "部门", ["部门", "实施主体", "实施部门", "实施机关", "责任部门", "主管部门", "办理部门", "责任单位", "单位", "部门名称", "办理机构"]),
        (GuideField.Conditions, "办理条件", ["办理条件", "申请条件", "受理条件", "条件", "受理标准", "申办条件"]),
        (GuideField.Materials, "所需材料", ["所需材料", "申请材料", "申报材料", "材料", "提交材料", "办理材料", "申请资料", "所需资料", "材料清单"]),
        (GuideField.Location, "办理地点", ["办理地点", "地点", "办理地址", "地址", "受理地点", "办理窗口", "窗口", "受理窗口"]),
        (GuideField.TimeLimit, "办理时限", ["时限", "办理时限", "承诺时限", "承诺办结时限", "法定时限", "办结时限", "法定办结时限", "承诺办理时限"]),
        (GuideField.Phone, "咨询电话", ["电话", "咨询电话", "联系电话", "咨询方式", "联系方式", "咨询投诉电话"]),
        (GuideField.Fee, "收费标准", ["收费标准", "是否收费", "收费", "收费依据及标准"]),
        (GuideField.Basis, "办理依据", ["设定依据", "办理依据", "法律依据", "依据", "实施依据"]),
        (GuideField.Process, "办理流程", ["办理流程", "流程", "办理程序", "办事流程", "程序"]),
        (GuideField.Hours, "办理时间", ["办理时间", "受理时间", "工作时间", "办公时间"]),
        (GuideField.Sequence, "序号", ["序号", "编号", "序"]),
    ];

    /// <summary>Fields a handbook section should have; a sheet without them gets a warning (only 事项名称 is required).</summary>
    public static readonly GuideField[] Expected = [GuideField.Department, GuideField.Conditions, GuideField.Materials, GuideField.Location, GuideField.TimeLimit, GuideField.Phone];

    public static GuideField? Match(string header)
    {
        var key = Normalise(header);
        if (key.Length == 0) return null;
        foreach (var (field, _, names) in Known)
            if (names.Contains(key, StringComparer.Ordinal)) return field;
        return GuideField.Other;
    }

    /// <summary>The heading a field's text gets in the handbook (办理条件, 所需材料 …).</summary>
    public static string Heading(GuideField field) => Known.First(k => k.Field == field).Heading;

    public static string Synonyms(GuideField field) => string.Join("、", Known.First(k => k.Field == field).Names);

    private static string Normalise(string header) =>
        new(header.Where(c => !char.IsWhiteSpace(c) && c is not ('*' or '＊' or '(' or ')' or '（' or '）' or ':' or '：')).ToArray());
}
