using System.Reflection;
using System.Text.Json;
using Ses.Domain.Referrals;

namespace Ses.Domain.Journeys;

/// <summary>
/// The bounds of <see cref="InputLimits"/> applied to every field of a reported event (SPEC 4.5): each text field
/// (reasons, employer, UCPR1 content, strand and PRaP referral IDs) is free text of at most
/// <see cref="InputLimits.FreeText"/> characters, and each date or timestamp lies in the accepted range. Fields are
/// found from the records themselves, so a field added to an event is bounded without being listed here.
/// </summary>
public static class ReportedEventLimits
{
    public static IReadOnlyList<FieldError> Check(ReportedEvent reported)
    {
        var errors = new List<FieldError>();
        Walk(reported, "", errors);
        return errors;
    }

    private static void Walk(object value, string prefix, List<FieldError> errors)
    {
        foreach (var property in value.GetType().GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            if (property.Name == nameof(ReportedEvent.Type) || property.GetIndexParameters().Length > 0) continue;
            var field = prefix + JsonNamingPolicy.CamelCase.ConvertName(property.Name);
            switch (property.GetValue(value))
            {
                case string text when InputLimits.TextProblem(field, text, InputLimits.FreeText, allowLineBreaks: true) is { } problem:
                    errors.Add(new FieldError(field, problem));
                    break;
                case DateOnly date when !InputLimits.InRange(date):
                    errors.Add(new FieldError(field, $"{field} must be a date from {InputLimits.RangeText}."));
                    break;
                case DateTimeOffset at when !InputLimits.InRange(DateOnly.FromDateTime(at.UtcDateTime)):
                    errors.Add(new FieldError(field, $"{field} must be a timestamp from {InputLimits.RangeText}."));
                    break;
                case Ucpr1Content content:
                    Walk(content, field + ".", errors);
                    break;
            }
        }
    }
}
