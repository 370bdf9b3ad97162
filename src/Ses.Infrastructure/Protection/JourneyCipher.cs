using System.Text.Json.Nodes;

namespace Ses.Infrastructure.Protection;

/// <summary>
/// Seals and opens the claimant's personal data inside a journey's stored JSON, field by field (SPEC 6, ADR 005):
/// the referral's <c>participant</c> (name, NINO, client number, phones, address, postcode, disability, benefit),
/// UCPR1 <c>content</c>, and free-text reasons (<c>reason</c>, <c>closureReason</c>), which may name health matters.
/// Everything else stays plain JSON, so the shape of a row is still readable; operators browse the plain columns.
/// </summary>
public sealed class JourneyCipher(string journeyId, byte[]? key)
{
    public string JourneyId => journeyId;

    public string Seal(string json)
    {
        if (key is null) throw new InvalidOperationException("Sealing needs the journey's data key.");
        var root = JsonNode.Parse(json)!;
        Walk(root, (owner, name, value) => IsPersonal(owner, name, value)
            ? JsonValue.Create(FieldCipher.Seal(key, journeyId, name, value!.ToJsonString()))
            : null);
        return root.ToJsonString();
    }

    /// <summary>Opens every sealed field. JSON with none (rows written before encryption) is returned as it is.</summary>
    public string Open(string json)
    {
        if (!json.Contains(FieldCipher.Marker, StringComparison.Ordinal)) return json;
        if (key is null) throw new PersonalDataUnreadableException(journeyId);
        var root = JsonNode.Parse(json)!;
        Walk(root, (_, name, value) => value is JsonValue v && v.TryGetValue<string>(out var text) && FieldCipher.IsSealed(text)
            ? JsonNode.Parse(FieldCipher.Open(key, journeyId, name, text))
            : null);
        return root.ToJsonString();
    }

    public static bool Holds(string? json) => json is not null && json.Contains(FieldCipher.Marker, StringComparison.Ordinal);

    private static bool IsPersonal(JsonObject owner, string name, JsonNode? value) => name switch
    {
        "participant" => value is JsonObject,
        "content" => value is not null && owner["type"] is JsonValue t && t.TryGetValue<string>(out var type) && type == "ucpr1-received",
        // Free text and, in the events of the history, 13.70's contact details (ContactDetailsAdded) and a job's employer (JobStarted).
        "reason" or "closureReason" or "phone" or "alternativePhone" or "address" or "postcode" or "employer" =>
            value is JsonValue v && v.TryGetValue<string>(out _),
        _ => false,
    };

    /// <summary>Visits every property; where <paramref name="replace"/> answers a node, that node takes the value's place.</summary>
    private static void Walk(JsonNode? node, Func<JsonObject, string, JsonNode?, JsonNode?> replace)
    {
        switch (node)
        {
            case JsonObject obj:
                foreach (var (name, value) in obj.ToArray())
                {
                    if (replace(obj, name, value) is { } replacement) obj[name] = replacement;
                    else Walk(value, replace);
                }
                break;
            case JsonArray array:
                foreach (var item in array) Walk(item, replace);
                break;
        }
    }
}
