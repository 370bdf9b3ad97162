using System.Security.Cryptography;
using System.Text.Json;

namespace Ses.Domain.Journeys;

/// <summary>
/// An <c>eventId</c> names one event: the same ID with the same event is a duplicate (applied once), the same ID with a
/// different event is a conflict, never silently dropped. The storage shell keeps each used ID, compared exactly, with the
/// fingerprint of its event; the decider compares fingerprints.
/// </summary>
public static class EventKeys
{
    /// <summary>SHA-256 of the event's canonical JSON, hex: equal events have equal fingerprints.</summary>
    public static string Fingerprint(ReportedEvent reported) =>
        Convert.ToHexString(SHA256.HashData(JsonSerializer.SerializeToUtf8Bytes(reported, typeof(ReportedEvent))));
}
