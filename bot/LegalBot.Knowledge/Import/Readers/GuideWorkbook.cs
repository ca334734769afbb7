using ClosedXML.Excel;
using LegalBot.Knowledge.Documents;

namespace LegalBot.Knowledge.Import.Readers;

/// <summary>One 办事 item of an Excel guide: its department, name and the text of each column, in column order.</summary>
public sealed record GuideItem(string Department, string Name, IReadOnlyList<(string Heading, string Text)> Fields);

/// <summary>
/// Reads an Excel 办事指南: on each sheet, finds the header row (within the first rows, by a 事项名称 column), maps each
/// header to a field through its synonyms, and reads one item per row. A department merged down several rows applies to
/// each of them; a sheet without a department column takes the sheet's name (unless it is a default name such as Sheet1).
/// </summary>
public static class GuideWorkbook
{
    private const int HeaderSearchRows = 10;

    public static IReadOnlyList<GuideItem> Read(Stream content, string sourceName, List<KnowledgeDiagnostic> problems)
    {
        XLWorkbook workbook;
        try
        {
            workbook = new XLWorkbook(content);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            throw new ImportException(ImportTexts.Unreadable("Excel", ex.Message));
        }
        using (workbook)
        {
            var items = new List<GuideItem>();
            var sheetsWithContent = 0;
            foreach (var sheet in workbook.Worksheets)
            {
                if (sheet.RangeUsed() is not { } used) continue;
                sheetsWithContent++;
                items.AddRange(ReadSheet(sheet, used, sourceName, problems));
            }
            if (sheetsWithContent == 0) throw new ImportException(ImportTexts.NoSheet);
            if (items.Count == 0 && problems.All(p => p.IsWarning)) problems.Add(new(sourceName, 1, ImportTexts.NoItems));
            return items;
        }
    }

    private static List<GuideItem> ReadSheet(IXLWorksheet sheet, IXLRange used, string sourceName, List<KnowledgeDiagnostic> problems)
    {
        var where = $"{sourceName}#{sheet.Name}";
        var lastColumn = used.LastColumn().ColumnNumber();
        var lastRow = used.LastRow().RowNumber();
        var headerRow = Enumerable.Range(used.FirstRow().RowNumber(), Math.Min(HeaderSearchRows, lastRow))
            .FirstOrDefault(r => Enumerable.Range(1, lastColumn).Any(c => GuideColumns.Match(Text(sheet.Cell(r, c))) == GuideField.Name));
        if (headerRow == 0)
        {
            problems.Add(new(where, 1, ImportTexts.NoHeaderRow));
            return [];
        }
        var columns = new List<(int Column, GuideField Field, string Header)>();
        for (var c = 1; c <= lastColumn; c++)
        {
            var header = Text(sheet.Cell(headerRow, c));
            if (GuideColumns.Match(header) is not { } field) continue;
            if (field == GuideField.Other) problems.Add(new(where, headerRow, ImportTexts.UnknownColumn(header), IsWarning: true));
            // The first column of a field wins; a repeated one is kept as its own section.
            columns.Add((c, columns.Any(x => x.Field == field) ? GuideField.Other : field, header));
        }
        var fallbackDepartment = IsDefaultSheetName(sheet.Name) ? null : sheet.Name.Trim();
        foreach (var expected in GuideColumns.Expected.Where(f => columns.All(c => c.Field != f)))
        {
            if (expected == GuideField.Department && fallbackDepartment is not null) continue;
            problems.Add(new(where, headerRow, ImportTexts.MissingColumn(GuideColumns.Heading(expected), GuideColumns.Synonyms(expected)), IsWarning: true));
        }

        var items = new List<GuideItem>();
        var nameColumn = columns.First(c => c.Field == GuideField.Name).Column;
        var departmentColumn = columns.FirstOrDefault(c => c.Field == GuideField.Department).Column;
        for (var r = headerRow + 1; r <= lastRow; r++)
        {
            var row = sheet.Row(r);
            if (row.IsEmpty()) continue;
            var name = Text(sheet.Cell(r, nameColumn)).Replace("\n", "", StringComparison.Ordinal);
            if (name.Length == 0)
            {
                problems.Add(new(where, r, ImportTexts.RowWithoutName(r), IsWarning: true));
                continue;
            }
            var department = departmentColumn > 0 ? Text(sheet.Cell(r, departmentColumn)).Replace("\n", "", StringComparison.Ordinal) : fallbackDepartment ?? "";
            if (department.Length == 0)
            {
                department = fallbackDepartment ?? ImportTexts.UnknownDepartment;
                problems.Add(new(where, r, ImportTexts.RowWithoutDepartment(r, department), IsWarning: true));
            }
            var fields = columns.Where(c => c.Field is not (GuideField.Name or GuideField.Department or GuideField.Sequence))
                .Select(c => (Heading: c.Field == GuideField.Other ? c.Header.Trim() : GuideColumns.Heading(c.Field), Text: Text(sheet.Cell(r, c.Column))))
                .Where(f => f.Text.Length > 0)
                .ToList();
            items.Add(new GuideItem(department, name, fields));
        }
        return items;
    }

    /// <summary>A cell's text; a cell inside a merged range reads the range's value (a department merged down its rows).</summary>
    private static string Text(IXLCell cell)
    {
        var source = cell.IsMerged() && cell.MergedRange() is { } merged ? merged.FirstCell() : cell;
        return source.GetFormattedString().Replace("\r\n", "\n", StringComparison.Ordinal).Replace('\r', '\n').Trim();
    }

    private static bool IsDefaultSheetName(string name) =>
        name.StartsWith("Sheet", StringComparison.OrdinalIgnoreCase) || name.StartsWith("工作表", StringComparison.Ordinal);
}
