using System.Text.Json;

namespace Ses.Functions.Hosting;

/// <summary>
/// Reads <c>local.settings.json</c> (the Functions convention: settings under "Values", with <c>__</c> for <c>:</c>) so the
/// app runs the same under <c>dotnet run</c> as under the Functions host. Environment variables still win.
/// </summary>
public static class LocalSettings
{
    public static void AddLocalSettings(this ConfigurationManager configuration, string contentRoot)
    {
        var path = FindUpwards(contentRoot, "local.settings.json");
        if (path is null) return;
        using var document = JsonDocument.Parse(File.ReadAllText(path));
        if (!document.RootElement.TryGetProperty("Values", out var values)) return;
        var settings = values.EnumerateObject().ToDictionary(p => p.Name.Replace("__", ":"), p => (string?)p.Value.ToString());
        configuration.AddInMemoryCollection(settings);
        configuration.AddEnvironmentVariables();
    }

    private static string? FindUpwards(string start, string name)
    {
        for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, name);
            if (File.Exists(candidate)) return candidate;
            if (Directory.Exists(Path.Combine(dir.FullName, ".git"))) return null;
        }
        return null;
    }
}
