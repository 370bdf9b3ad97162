namespace Ses.Domain.Referrals;

/// <summary>A validation failure that names the field (camelCase JSON path) and says what is wrong.</summary>
public sealed record FieldError(string Field, string Message);
