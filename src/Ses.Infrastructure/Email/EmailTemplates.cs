using System.Net;
using System.Reflection;
using System.Text.RegularExpressions;

namespace Ses.Infrastructure.Email;

/// <summary>An email rendered from its template: subject, plain text and HTML.</summary>
public sealed record RenderedEmail(string Subject, string Text, string Html);

/// <summary>
/// The email templates: <c>Email/Templates/{template}.txt</c> (a <c>Subject:</c> line, a blank line, the plain text) and
/// <c>{template}.html</c> (the HTML body), embedded in the assembly. A provider changes the wording by editing those files;
/// <c>{{name}}</c> placeholders are filled from the journey (HTML-encoded in the HTML part). A placeholder with no value
/// is an error, so a template and its data never drift apart silently.
/// </summary>
public static partial class EmailTemplates
{
    private static readonly Assembly Assembly = typeof(EmailTemplates).Assembly;

    public static IReadOnlyList<string> Names { get; } = Assembly.GetManifestResourceNames()
        .Where(n => n.StartsWith(Prefix, StringComparison.Ordinal) && n.EndsWith(".txt", StringComparison.Ordinal))
        .Select(n => n[Prefix.Length..^".txt".Length]).Order(StringComparer.Ordinal).ToArray();

    private const string Prefix = "Ses.Infrastructure.Email.Templates.";

    public static bool Has(string template) => Names.Contains(template);

    public static RenderedEmail Render(string template, IReadOnlyDictionary<string, string> values)
    {
        var text = Fill(Read($"{template}.txt"), values, encode: false);
        var newline = text.IndexOf('\n');
        if (!text.StartsWith("Subject: ", StringComparison.Ordinal) || newline < 0)
        {
            throw new FormatException($"Email template {template}.txt must start with a 'Subject: ' line.");
        }
        var subject = text["Subject: ".Length..newline].Trim();
        var body = text[(newline + 1)..].TrimStart('\r', '\n').Replace("\r\n", "\n");
        var html = $"<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>{WebUtility.HtmlEncode(subject)}</title></head>\n<body>\n"
            + Fill(Read($"{template}.html"), values, encode: true) + "</body></html>\n";
        return new RenderedEmail(subject, body, html);
    }

    private static string Fill(string template, IReadOnlyDictionary<string, string> values, bool encode) =>
        Placeholder().Replace(template, m => values.TryGetValue(m.Groups[1].Value, out var value)
            ? (encode ? WebUtility.HtmlEncode(value) : value)
            : throw new KeyNotFoundException($"No value for the placeholder {{{{{m.Groups[1].Value}}}}}."));

    private static string Read(string file)
    {
        using var stream = Assembly.GetManifestResourceStream(Prefix + file)
            ?? throw new FileNotFoundException($"No email template {file}.");
        return new StreamReader(stream).ReadToEnd();
    }

    [GeneratedRegex(@"\{\{([A-Za-z][A-Za-z0-9]*)\}\}")]
    private static partial Regex Placeholder();
}
