namespace Ses.Domain.Calendar;

/// <summary>
/// Reads the shipped bank-holiday file (columns division,date,title; UTF-8, no quoting needed in the official data, but
/// quoted fields are honoured). The domain takes no packages, so this reader is deliberately tiny.
/// </summary>
public static class BankHolidayCsv
{
    public static IReadOnlyList<BankHoliday> Read(TextReader csv)
    {
        var holidays = new List<BankHoliday>();
        var header = csv.ReadLine();
        if (header?.Trim() != "division,date,title") throw new FormatException("Expected the header division,date,title.");
        for (var (line, number) = (csv.ReadLine(), 2); line is not null; line = csv.ReadLine(), number++)
        {
            if (line.Length == 0) continue;
            var fields = Split(line);
            if (fields.Count != 3 || !RegionNames.TryParse(fields[0], out var region)
                || !DateOnly.TryParseExact(fields[1], "yyyy-MM-dd", out var date))
            {
                throw new FormatException($"Line {number} is not division,date,title: {line}");
            }
            holidays.Add(new BankHoliday(region, date, fields[2]));
        }
        return holidays;
    }

    private static List<string> Split(string line)
    {
        var fields = new List<string>();
        var current = new System.Text.StringBuilder();
        var quoted = false;
        for (var i = 0; i < line.Length; i++)
        {
            var c = line[i];
            if (quoted && c == '"' && i + 1 < line.Length && line[i + 1] == '"') { current.Append('"'); i++; }
            else if (c == '"') quoted = !quoted;
            else if (c == ',' && !quoted) { fields.Add(current.ToString()); current.Clear(); }
            else current.Append(c);
        }
        fields.Add(current.ToString());
        return fields;
    }
}
