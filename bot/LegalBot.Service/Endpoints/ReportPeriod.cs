using System.Globalization;

namespace LegalBot.Service.Endpoints;

/// <summary>
/// A reporting period as staff name it: <c>month=YYYY-MM</c> or <c>year=YYYY</c>, in Beijing time (a month's
/// figures are the county's month, not UTC's). Neither given: the current month.
/// </summary>
public sealed record ReportPeriod(string Label, DateTimeOffset From, DateTimeOffset Until)
{
    private static readonly TimeSpan Beijing = TimeSpan.FromHours(8);

    /// <returns>The period, or null with a Chinese error for a malformed value.</returns>
    public static (ReportPeriod? Period, string? Error) Parse(string? month, string? year, DateTimeOffset now)
    {
        if (month is not null && year is not null) return (null, "month 和 year 只能给一个。");
        if (year is not null)
        {
            if (year.Length != 4 || !int.TryParse(year, NumberStyles.None, CultureInfo.InvariantCulture, out var y) || y < 2000 || y > 2100)
                return (null, $"年份“{year}”有误，请写成 YYYY，例如 2026。");
            var start = new DateTimeOffset(y, 1, 1, 0, 0, 0, Beijing);
            return (new ReportPeriod(year, start, start.AddYears(1)), null);
        }
        if (month is null)
        {
            var local = now.ToOffset(Beijing);
            month = local.ToString("yyyy-MM", CultureInfo.InvariantCulture);
        }
        if (!DateTime.TryParseExact(month, "yyyy-MM", CultureInfo.InvariantCulture, DateTimeStyles.None, out var m) || m.Year < 2000 || m.Year > 2100)
            return (null, $"月份“{month}”有误，请写成 YYYY-MM，例如 2026-05。");
        var from = new DateTimeOffset(m.Year, m.Month, 1, 0, 0, 0, Beijing);
        return (new ReportPeriod(month, from, from.AddMonths(1)), null);
    }
}
