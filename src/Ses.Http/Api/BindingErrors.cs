using System.Reflection;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.RegularExpressions;

namespace Ses.Http.Api;

/// <summary>
/// A body that does not bind (a wrong type, a missing or null required field) described in the words of the API: the
/// field by its JSON path and what it must be ("occurredOn must be a date such as 2026-03-02"), never a .NET type name.
/// The field's type is found by walking the path through the request record (for an event, the record its <c>type</c> names).
/// </summary>
public static partial class BindingErrors
{
    public static (string Field, string Message) Describe(Type root, JsonElement body, JsonException ex)
    {
        var path = Segments(ex.Path);
        var type = Concrete(root, body);
        var missing = MissingShape().Match(ex.Message);
        if (missing.Success)
        {
            // The path is the object that lacks them; its first missing property is named.
            var field = Join(path, missing.Groups[1].Value);
            var target = PropertyType(type, [.. path, missing.Groups[1].Value]);
            return (field, $"{field} is required{(target is null ? "" : ": " + Expected(target))}.");
        }
        var nulled = NullShape().Match(ex.Message);
        if (nulled.Success)
        {
            var name = JsonNamingPolicy.CamelCase.ConvertName(nulled.Groups[1].Value);
            var field = path.Count > 0 && path[^1] == name ? Join(path[..^1], name) : Join(path, name);
            var target = PropertyType(type, field.Split('.'));
            return (field, $"{field} is required{(target is null ? "" : ": " + Expected(target))}.");
        }
        if (path.Count == 0) return ("body", "The body does not have the shape of this request: see the API document (/openapi/v1.json).");
        var fieldType = PropertyType(type, path);
        var where = string.Join('.', path);
        return (where, fieldType is null ? $"{where} is not a field of this request, or not in this place." : $"{where} must be {Expected(fieldType)}.");
    }

    /// <summary>What a value of this type looks like on the wire (SPEC 5: dates YYYY-MM-DD, timestamps with offset, kebab-case words).</summary>
    public static string Expected(Type type)
    {
        type = Nullable.GetUnderlyingType(type) ?? type;
        if (type == typeof(DateOnly)) return "a date such as 2026-03-02";
        if (type == typeof(DateTimeOffset) || type == typeof(DateTime)) return "a timestamp with its offset such as 2026-03-02T09:00:00+00:00";
        if (type == typeof(int) || type == typeof(long)) return "a whole number such as 4";
        if (type == typeof(decimal) || type == typeof(double)) return "a number such as 16 or 37.5";
        if (type == typeof(bool)) return "true or false";
        if (type == typeof(string)) return "text in quotes";
        if (type.IsEnum) return "one of " + string.Join(", ", Enum.GetNames(type).Select(JsonNamingPolicy.KebabCaseLower.ConvertName));
        if (type.IsArray || (type.IsGenericType && type.GetGenericTypeDefinition() == typeof(IReadOnlyList<>))) return "a list in [brackets]";
        return "an object in {braces} with its own fields";
    }

    private static Type Concrete(Type root, JsonElement body)
    {
        if (root.GetCustomAttribute<JsonPolymorphicAttribute>() is { } polymorphic
            && body.ValueKind == JsonValueKind.Object && body.TryGetProperty(polymorphic.TypeDiscriminatorPropertyName ?? "$type", out var name)
            && name.ValueKind == JsonValueKind.String)
        {
            var derived = root.GetCustomAttributes<JsonDerivedTypeAttribute>().FirstOrDefault(a => Equals(a.TypeDiscriminator, name.GetString()));
            if (derived is not null) return derived.DerivedType;
        }
        return root;
    }

    private static Type? PropertyType(Type type, IReadOnlyList<string> path)
    {
        Type? current = type;
        foreach (var segment in path)
        {
            if (current is null || int.TryParse(segment, out _)) return null;
            current = Nullable.GetUnderlyingType(current) ?? current;
            current = current.GetProperties(BindingFlags.Public | BindingFlags.Instance)
                .FirstOrDefault(p => string.Equals(p.Name, segment, StringComparison.OrdinalIgnoreCase) && p.GetCustomAttribute<JsonIgnoreAttribute>() is null)?.PropertyType;
        }
        return current;
    }

    /// <summary>"$.participant.benefit" or "$['participant']['benefit']" as its property names; array indexes stay as numbers.</summary>
    private static List<string> Segments(string? path) =>
        string.IsNullOrEmpty(path) ? [] : PathPart().Matches(path).Select(m => m.Groups[1].Success ? m.Groups[1].Value : m.Groups[2].Success ? m.Groups[2].Value : m.Groups[3].Value).ToList();

    private static string Join(IEnumerable<string> path, string name) => string.Join('.', path.Append(name));

    [GeneratedRegex(@"\.([^.\[\]]+)|\['([^']+)'\]|\[(\d+)\]")]
    private static partial Regex PathPart();

    [GeneratedRegex(@"missing required properties including: '([^']+)'")]
    private static partial Regex MissingShape();

    [GeneratedRegex(@"(?:parameter|property|field) '([^']+)' on type '[^']+' doesn't allow null")]
    private static partial Regex NullShape();
}
