using System.Text.Json;
using Azure.Data.Tables;

namespace Ses.Integration.Tests.Protection;

/// <summary>
/// The raw rows of a journey as the code before encryption wrote them (captured from that code into
/// Fixtures/journey-rows-before-encryption.json): each property as {"EdmType": value}.
/// </summary>
public static class PreviousFormat
{
    public static IEnumerable<TableEntity> Rows()
    {
        var path = Path.Combine(AppContext.BaseDirectory, "Protection", "Fixtures", "journey-rows-before-encryption.json");
        foreach (var row in JsonDocument.Parse(File.ReadAllText(path)).RootElement.EnumerateArray())
        {
            var entity = new TableEntity();
            foreach (var property in row.EnumerateObject())
            {
                var typed = property.Value.EnumerateObject().Single();
                entity[property.Name] = typed.Name switch
                {
                    "String" => typed.Value.GetString(),
                    "Int32" => typed.Value.GetInt32(),
                    "Int64" => typed.Value.GetInt64(),
                    "Boolean" => typed.Value.GetBoolean(),
                    "Double" => typed.Value.GetDouble(),
                    "DateTimeOffset" => DateTimeOffset.Parse(typed.Value.GetString()!, System.Globalization.CultureInfo.InvariantCulture),
                    _ => throw new FormatException($"Unknown EDM type {typed.Name}."),
                };
            }
            yield return entity;
        }
    }
}
