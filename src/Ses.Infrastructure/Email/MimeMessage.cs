using System.Text;
using Ses.Infrastructure.Outbox;

namespace Ses.Infrastructure.Email;

/// <summary>
/// An email as an RFC 5322 / MIME message (the .eml kept without SendGrid): Message-ID from the notification ID (also the
/// idempotency key), MIME-Version, and the plain text and HTML as multipart/alternative, UTF-8, 8bit.
/// </summary>
public static class MimeMessage
{
    public const string ContentType = "message/rfc822";

    public static string MessageId(Notification notification, string from) =>
        $"<{notification.NotificationId}@{(from.Contains('@') ? from[(from.IndexOf('@') + 1)..] : "ses-journeys.local")}>";

    public static string Write(Notification notification, string from)
    {
        var boundary = "=_ses_" + Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(Encoding.UTF8.GetBytes(notification.NotificationId)))[..24];
        var eml = new StringBuilder()
            .Append("From: ").Append(from).Append("\r\n")
            .Append("To: ").Append(string.Join(", ", notification.To)).Append("\r\n")
            .Append("Subject: ").Append(Header(notification.Subject)).Append("\r\n")
            .Append("Date: ").Append(notification.CreatedAt.ToString("r")).Append("\r\n")
            .Append("Message-ID: ").Append(MessageId(notification, from)).Append("\r\n")
            .Append("X-Idempotency-Key: ").Append(notification.NotificationId).Append("\r\n")
            .Append("MIME-Version: 1.0\r\n");
        if (notification.HtmlBody is null)
        {
            return eml.Append("Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n")
                .Append(Crlf(notification.Body)).Append("\r\n").ToString();
        }
        return eml.Append("Content-Type: multipart/alternative; boundary=\"").Append(boundary).Append("\"\r\n\r\n")
            .Append("--").Append(boundary).Append("\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n")
            .Append(Crlf(notification.Body)).Append("\r\n")
            .Append("--").Append(boundary).Append("\r\nContent-Type: text/html; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n")
            .Append(Crlf(notification.HtmlBody)).Append("\r\n")
            .Append("--").Append(boundary).Append("--\r\n").ToString();
    }

    /// <summary>RFC 2047 for a header that is not plain ASCII.</summary>
    private static string Header(string value) =>
        value.All(c => c is >= ' ' and < (char)127) ? value : $"=?utf-8?B?{Convert.ToBase64String(Encoding.UTF8.GetBytes(value))}?=";

    private static string Crlf(string text) => text.Replace("\r\n", "\n").Replace("\n", "\r\n");
}
