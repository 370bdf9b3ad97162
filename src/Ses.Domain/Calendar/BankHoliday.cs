namespace Ses.Domain.Calendar;

/// <summary>One bank holiday of a GOV.UK division.</summary>
public sealed record BankHoliday(Region Region, DateOnly Date, string Title);
