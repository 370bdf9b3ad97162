namespace Ses.Domain;

/// <summary>A range of dates that includes both ends: 1 June to 14 June is 14 days (SPEC 5.1).</summary>
public readonly record struct DateRange(DateOnly From, DateOnly To)
{
    public int Days => To.DayNumber - From.DayNumber + 1;

    public bool Contains(DateOnly day) => day >= From && day <= To;

    public bool Overlaps(DateRange other) => From <= other.To && other.From <= To;

    /// <summary>The days this range shares with <paramref name="other"/>, or null when none.</summary>
    public DateRange? Intersect(DateRange other)
    {
        var from = From > other.From ? From : other.From;
        var to = To < other.To ? To : other.To;
        return from <= to ? new DateRange(from, to) : null;
    }
}
