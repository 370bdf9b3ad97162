namespace Ses.Domain;

/// <summary>Kebab-case words of the SPEC, the wire and storage spelling of every enumeration.</summary>
public static class Kebab
{
    public static string Of<T>(T value) where T : struct, Enum
    {
        var name = value.ToString();
        var chars = new System.Text.StringBuilder(name.Length + 4);
        for (var i = 0; i < name.Length; i++)
        {
            var c = name[i];
            if (char.IsUpper(c) && i > 0) chars.Append('-');
            chars.Append(char.ToLowerInvariant(c));
        }
        return chars.ToString();
    }

    public static bool TryParse<T>(string? text, out T value) where T : struct, Enum
    {
        foreach (var candidate in Enum.GetValues<T>())
        {
            if (Of(candidate) == text) { value = candidate; return true; }
        }
        value = default;
        return false;
    }
}
