using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Ses.Domain.Journeys;

/// <summary>
/// An applied <c>eventId</c> with a fingerprint of the event it carried: the same ID with the same event is a duplicate
/// (applied once), the same ID with a different event is a conflict, never silently dropped.
/// </summary>
public static class EventKeys
{
    public static string Of(string eventId, ReportedEvent reported)
    {
        var json = JsonSerializer.SerializeToUtf8Bytes(reported, typeof(ReportedEvent));
        return $"{eventId}|{Convert.ToHexString(SHA256.HashData(json), 0, 8)}";
    }

    public static string? Find(Journey state, string? eventId) =>
        eventId is null ? null : state.EventIds.FirstOrDefault(k => k.Length > eventId.Length && k[eventId.Length] == '|' && k.StartsWith(eventId, StringComparison.Ordinal));
}
