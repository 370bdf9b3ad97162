using System.Net.Mail;

namespace Ses.Domain.Referrals;

/// <summary>Collects field errors so a client learns every problem at once.</summary>
internal sealed class Errors
{
    private readonly List<FieldError> _list = [];

    public bool Any => _list.Count > 0;
    public IReadOnlyList<FieldError> List => _list;

    public void Add(string field, string message) => _list.Add(new FieldError(field, message));

    public string? Text(string field, string? value, int max, bool required)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            if (required) Add(field, $"{Last(field)} is required.");
            return null;
        }
        if (InputLimits.TextProblem(Last(field), value, max, allowLineBreaks: false) is { } problem) { Add(field, problem); return null; }
        return value.Trim();
    }

    public string? Email(string field, string? value)
    {
        var text = Text(field, value, ReferralLimits.MaxLength["contact.email"], required: true);
        if (text is null) return null;
        if (!MailAddress.TryCreate(text, out var address) || address.Address != text || !text.Contains('.', StringComparison.Ordinal) || text.Contains(' '))
        {
            Add(field, $"{Last(field)} is not an email address.");
            return null;
        }
        return text;
    }

    private static string Last(string field) => field[(field.LastIndexOf('.') + 1)..];
}
