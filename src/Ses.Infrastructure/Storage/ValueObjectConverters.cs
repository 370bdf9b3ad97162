using System.Text.Json;
using System.Text.Json.Serialization;
using Ses.Domain.Referrals;

namespace Ses.Infrastructure.Storage;

/// <summary>Value objects travel as their normalised text and are parsed (validated) on the way back in.</summary>
public static class ValueObjectConverters
{
    public delegate bool Parser<T>(string? text, out T value, out string? error);

    public static IReadOnlyList<JsonConverter> All { get; } =
    [
        new TextConverter<Nino>(Nino.TryParse, n => n.Value),
        new TextConverter<Postcode>(Postcode.TryParse, p => p.Value),
        new TextConverter<PurchaseOrderNumber>(PurchaseOrderNumber.TryParse, p => p.Value),
    ];

    private sealed class TextConverter<T>(Parser<T> parse, Func<T, string> format) : JsonConverter<T>
    {
        public override T Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
        {
            if (reader.TokenType != JsonTokenType.String) throw new JsonException($"A {typeof(T).Name} is a string.");
            return parse(reader.GetString(), out var value, out var error) ? value : throw new JsonException(error);
        }

        public override void Write(Utf8JsonWriter writer, T value, JsonSerializerOptions options) => writer.WriteStringValue(format(value));
    }
}
