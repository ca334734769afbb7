using ClosedXML.Excel;
using LegalBot.Cases.Statistics;
using LegalBot.Conversation.Publicity;
using T = LegalBot.Service.Endpoints.StaffStatsTexts;

namespace LegalBot.Service.Endpoints;

/// <summary>
/// The XLSX export of a month or a year, laid out as the annual 法治政府建设报告 figures: a summary sheet
/// (咨询人次, 法律援助 受理/办结, 调解 受理/调成率, 满意率, 办理时长), the consultations per day, and the breakdowns.
/// </summary>
public static class StaffStatsExport
{
    public const string ContentType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

    /// <param name="publicity">普法 figures of the same period (lessons, quizzes, 精准普法), as a sheet of their own.</param>
    public static byte[] Build(StatsReport report, string scope, PublicityReport? publicity = null)
    {
        using var book = new XLWorkbook();
        Summary(book.AddWorksheet(T.SheetSummary), report, scope);
        Daily(book.AddWorksheet(T.SheetDaily), report);
        Breakdown(book.AddWorksheet(T.SheetBreakdown), report);
        if (publicity is not null) Publicity(book.AddWorksheet(T.SheetPublicity), publicity);
        using var stream = new MemoryStream();
        book.SaveAs(stream);
        return stream.ToArray();
    }

    private static void Summary(IXLWorksheet sheet, StatsReport r, string scope)
    {
        sheet.Cell(1, 1).Value = T.Title(r.Period, scope);
        sheet.Range(1, 1, 1, 3).Merge().Style.Font.SetBold().Font.SetFontSize(14);
        Header(sheet, 2, T.Item, T.Value, T.Note);
        var c = r.ConsultationFigures;
        var m = r.Cases.MediationOutcomes;
        (string Item, double? Value, string Note)[] rows =
        [
            (T.Consultations, r.Consultations, ""),
            (T.Answered, c.Answered, ""),
            (T.Unanswered, c.Unanswered, ""),
            (T.Clarified, c.Clarified, ""),
            (T.NotHelpfulRate, c.Feedback == 0 ? null : c.NotHelpfulRate, ""),
            (T.LegalAidReceived, r.Cases.LegalAid.Received, ""),
            (T.LegalAidClosed, r.Cases.LegalAid.Closed, ""),
            (T.MediationReceived, r.Cases.Mediation.Received, ""),
            (T.MediationClosed, r.Cases.Mediation.Closed, ""),
            (T.MediationRate, m.SuccessRate, T.MediationRateNote),
            (T.MediationSucceeded, m.Succeeded, ""),
            (T.MediationFailed, m.Failed, ""),
            (T.MediationTerminated, m.Terminated, ""),
            (T.SatisfactionRate, r.Satisfaction.Rate, T.SatisfactionNote),
            (T.Ratings, r.Satisfaction.Ratings, ""),
            (T.HoursToClaim, r.Cases.HoursToClaim, ""),
            (T.DaysToClose, r.Cases.DaysToClose, ""),
        ];
        for (var i = 0; i < rows.Length; i++)
        {
            var row = 3 + i;
            sheet.Cell(row, 1).Value = rows[i].Item;
            if (rows[i].Value is { } v) sheet.Cell(row, 2).Value = v;
            else sheet.Cell(row, 2).Value = T.NoData;
            sheet.Cell(row, 3).Value = rows[i].Note;
        }
        Widths(sheet, 34, 14, 40);
    }

    private static void Daily(IXLWorksheet sheet, StatsReport r)
    {
        Header(sheet, 1, T.Date, T.Consultations);
        var row = 2;
        foreach (var day in r.ConsultationFigures.ByDay)
        {
            sheet.Cell(row, 1).Value = day.Key;
            sheet.Cell(row++, 2).Value = day.Count;
        }
        Widths(sheet, 14, 12);
    }

    private static void Breakdown(IXLWorksheet sheet, StatsReport r)
    {
        Header(sheet, 1, T.Dimension, T.Key, T.Count);
        var c = r.ConsultationFigures;
        var row = 2;
        void Add(string dimension, IEnumerable<Tally> tallies, Func<string, string>? name = null)
        {
            foreach (var t in tallies)
            {
                sheet.Cell(row, 1).Value = dimension;
                sheet.Cell(row, 2).Value = name is null ? t.Key : name(t.Key);
                sheet.Cell(row++, 3).Value = t.Count;
            }
        }
        Add(T.ByChannel, c.ByChannel);
        Add(T.ByRoute, c.ByRoute);
        Add(T.ByMatter, c.ByMatter);
        Add(T.ByTown, c.ByTown, t => t.Length == 0 ? T.TownUnknown : t);
        Add(T.ByStatus, r.Cases.ByStatus, s => LegalBot.Cases.CaseNames.TryParseStatus(s, out var status) ? StaffTexts.Status(status) : s);
        Add(T.ByOffice, r.Cases.ByOffice);
        Add(T.CasesByTown, r.Cases.ByTown, t => t.Length == 0 ? T.TownUnknown : t);
        Add(T.ByLevel, r.Satisfaction.Levels, T.Level);
        Widths(sheet, 12, 40, 10);
    }

    private static void Publicity(IXLWorksheet sheet, PublicityReport p)
    {
        Header(sheet, 1, T.Dimension, T.Key, T.LessonsRead, T.QuizzesTaken, T.Participants, T.AverageScore);
        var row = 2;
        void Line(string dimension, string key, PublicityFigureRow f)
        {
            sheet.Cell(row, 1).Value = dimension;
            sheet.Cell(row, 2).Value = key;
            sheet.Cell(row, 3).Value = f.LessonsRead;
            sheet.Cell(row, 4).Value = f.QuizzesTaken;
            sheet.Cell(row, 5).Value = f.Participants;
            if (f.QuizzesTaken > 0) sheet.Cell(row, 6).Value = f.AverageScore;
            else sheet.Cell(row, 6).Value = T.NoData;
            row++;
        }
        var all = p.Figures;
        Line(T.PublicityTotal, "", new PublicityFigureRow("", all.LessonsRead, all.QuizzesTaken, all.Participants, all.AverageScore));
        foreach (var t in all.ByTown) Line(T.ByTown, t.Key.Length == 0 ? T.TownUnknown : t.Key, t);
        foreach (var c in p.Campaigns) Line(T.ByCampaign, c.Title ?? T.NoCampaign, c.Figures);

        row++;
        Header(sheet, row++, T.ByTown, T.MatterAsked, T.Count, T.CoveringLessons);
        foreach (var town in p.Towns)
            foreach (var m in town.Matters)
            {
                sheet.Cell(row, 1).Value = town.Town.Length == 0 ? T.TownUnknown : town.Town;
                sheet.Cell(row, 2).Value = m.Title;
                sheet.Cell(row, 3).Value = m.Asked;
                sheet.Cell(row++, 4).Value = m.Covered ? string.Join("、", m.Lessons.Select(l => l.Title)) : T.NoLesson;
            }
        Widths(sheet, 14, 36, 12, 10, 10, 40);
    }

    private static void Header(IXLWorksheet sheet, int row, params string[] titles)
    {
        for (var i = 0; i < titles.Length; i++) sheet.Cell(row, i + 1).Value = titles[i];
        sheet.Row(row).Style.Font.SetBold();
    }

    // Set by hand: measuring text (AdjustToContents) needs fonts the server may not have.
    private static void Widths(IXLWorksheet sheet, params double[] widths)
    {
        for (var i = 0; i < widths.Length; i++) sheet.Column(i + 1).Width = widths[i];
    }
}
