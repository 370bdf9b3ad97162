using System.Text.Json;
using Microsoft.DurableTask;
using Ses.Infrastructure.Protection;
using Ses.Infrastructure.Storage;

namespace Ses.Journeys;

/// <summary>
/// The task hub's serializer (ADR 009): the product's JSON shape, and every <see cref="ISealedPayload"/> (the journey's
/// state, its messages, its activities' inputs and outputs) sealed whole with that journey's data key, AES-256-GCM with
/// the journey ID bound in (<see cref="FieldCipher"/>). The History and Instances tables, the queues and the large-message
/// blobs then hold no personal data in plain, and purging the journey's key (crypto-shredding) makes any copy of them
/// unreadable. A sealed payload is a JSON string <c>"ses-sealed:v1:{journeyId}:{ciphertext}"</c>, so anything that reads
/// payloads as JSON still parses it; the custom status (phase, next deadline) stays plain for operators.
/// <para>The converter's calls are synchronous: a key not in the cache is read with the Table SDK's synchronous call.</para>
/// </summary>
public sealed class SealingDataConverter(JourneyKeyStore keys) : DataConverter
{
    private const string Marker = "ses-sealed:v1:";
    private const string Field = "task-hub";

    public override string? Serialize(object? value)
    {
        if (value is null) return null;
        // DurableTask.Core carries activity inputs as an array of one: keep the envelope, seal what is inside.
        if (value is object?[] array) return "[" + string.Join(",", array.Select(v => Serialize(v) ?? "null")) + "]";
        var json = JourneyJsonConverter.Shared.Serialize(value)!;
        if (value is not ISealedPayload payload) return json;
        var key = keys.Find(payload.JourneyId) ?? throw new PersonalDataUnreadableException(payload.JourneyId);
        return JsonSerializer.Serialize($"{Marker}{payload.JourneyId}:{FieldCipher.Seal(key, payload.JourneyId, Field, json)}");
    }

    public override object? Deserialize(string? data, Type targetType)
    {
        if (data is null) return null;
        if (data.StartsWith("\"" + Marker, StringComparison.Ordinal))
        {
            var text = JsonSerializer.Deserialize<string>(data)!;
            var colon = text.IndexOf(':', Marker.Length);
            var journeyId = text[Marker.Length..colon];
            var key = keys.Find(journeyId) ?? throw new PersonalDataUnreadableException(journeyId);
            data = FieldCipher.Open(key, journeyId, Field, text[(colon + 1)..]);
        }
        return JourneyJsonConverter.Shared.Deserialize(data, targetType);
    }
}

/// <summary>The product's JSON shape for task hub payloads, without sealing (the orchestration unit tests' converter).</summary>
public sealed class JourneyJsonConverter : DataConverter
{
    public static JourneyJsonConverter Shared { get; } = new();

    public override string? Serialize(object? value) =>
        value is null ? null : JsonSerializer.Serialize(value, DeclaredType(value), Json.Options);

    public override object? Deserialize(string? data, Type targetType) =>
        data is null ? null : JsonSerializer.Deserialize(data, targetType, Json.Options);

    /// <summary>A message is written as its base type, so the polymorphic <c>kind</c> it is read back by is there.</summary>
    private static Type DeclaredType(object value) => value is JourneyMessage ? typeof(JourneyMessage) : value.GetType();
}
