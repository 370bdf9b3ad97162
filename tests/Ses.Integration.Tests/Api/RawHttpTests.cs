using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Ses.Integration.Tests.Infrastructure;

namespace Ses.Integration.Tests.Api;

/// <summary>
/// Framing the in-memory test server never produces: the app on Kestrel (127.0.0.1) spoken to over a raw TCP socket,
/// with bodies shorter than their Content-Length, broken chunked encoding and odd framing headers. A body that cannot be
/// read is the client's fault: a 400 problem (never a 500), and nothing changes.
/// </summary>
public sealed class RawHttpTests : IAsyncLifetime
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);
    private readonly SesApp _app = new(new DateTimeOffset(2026, 6, 1, 8, 0, 0, TimeSpan.Zero));
    private Uri _base = null!;

    public Task InitializeAsync()
    {
        _app.UseKestrel(k => k.Listen(IPAddress.Loopback, 0));
        _app.StartServer();
        _base = new Uri(_app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _app.DisposeAsync();

    private const string Event = "{\"type\": \"withdrawn\", \"occurredOn\": \"2026-03-03\", \"reason\": \"moved away\"}";

    [Fact]
    public async Task A_body_shorter_than_its_content_length_that_stalls_is_a_400_problem()
    {
        var id = await NewJourneyAsync();
        var stopwatch = Stopwatch.StartNew();
        var (status, contentType, body) = await SendAsync(
            Head("POST", $"/api/journeys/{id}/events", SesApp.ProviderAKey, $"Content-Length: {Event.Length + 40}") + Event, closeSendSide: false);
        Assert.True(status == 400, $"{status} {contentType}: {body}");
        Assert.Equal("application/problem+json", contentType);
        Assert.Contains("\"body\"", body);
        Assert.True(stopwatch.Elapsed < Bound, $"took {stopwatch.Elapsed}");
        await AssertVersionAsync(id, 1);
    }

    /// <summary>
    /// Broken framing, with the connection left open as a stalled client would (a client that half-closes its side is
    /// treated by Kestrel as gone, and gets no answer at all). Bodies that are short wait for Kestrel's minimum data rate
    /// (5 s grace) before the read fails.
    /// </summary>
    public static IEnumerable<object[]> BrokenFraming() =>
    [
        // One byte fewer than Content-Length.
        [$"Content-Length: {Event.Length + 1}", Event],
        // Chunked: a size that is not hexadecimal, a size beyond any buffer, an junk after a chunk.
        ["Transfer-Encoding: chunked", "zz\r\n" + Event + "\r\n0\r\n\r\n"],
        ["Transfer-Encoding: chunked", "ffffffffffffffffffff\r\n" + Event],
        ["Transfer-Encoding: chunked", $"{Event.Length:x}\r\n" + Event + "XX0\r\n\r\n"],
        // A chunk cut short.
        ["Transfer-Encoding: chunked", $"{Event.Length + 40:x}\r\n" + Event],
    ];

    [Theory]
    [MemberData(nameof(BrokenFraming))]
    public async Task A_body_with_broken_framing_is_a_400_problem_and_changes_nothing(string framing, string sent)
    {
        var id = await NewJourneyAsync();
        var (status, contentType, body) = await SendAsync(Head("POST", $"/api/journeys/{id}/events", SesApp.ProviderAKey, framing) + sent, closeSendSide: false);
        Assert.True(status == 400, $"{status} {contentType}: {body} {string.Join("\n", _app.Logs.Where(l => l.Contains("Exception")))}");
        Assert.Equal("application/problem+json", contentType);
        await AssertVersionAsync(id, 1);
    }

    public static IEnumerable<object[]> FramingKestrelRefuses() =>
    [
        ["Content-Length: abc"],
        ["Content-Length: -1"],
        ["Content-Length: 99999999999999999999999"],
        [$"Content-Length: {Event.Length}\r\nContent-Length: {Event.Length + 1}"],
        ["Transfer-Encoding: gzip"],
        ["Transfer-Encoding: chunked, identity"],
        [$"Content-Length: {Event.Length}\r\nTransfer-Encoding: identity"],
    ];

    /// <summary>
    /// Headers Kestrel itself refuses before the app runs: Kestrel answers (4xx, without a problem body, since no
    /// application code sees the request), and nothing changes.
    /// </summary>
    [Theory]
    [MemberData(nameof(FramingKestrelRefuses))]
    public async Task Framing_headers_Kestrel_refuses_are_a_4xx_and_change_nothing(string framing)
    {
        var id = await NewJourneyAsync();
        var (status, contentType, body) = await SendAsync(Head("POST", $"/api/journeys/{id}/events", SesApp.ProviderAKey, framing) + Event, closeSendSide: false);
        Assert.True(status is >= 400 and < 500, $"{status} {contentType}: {body}");
        await AssertVersionAsync(id, 1);
    }

    [Fact]
    public async Task Content_length_and_chunked_together_are_read_as_chunked_and_an_incomplete_chunk_is_a_400()
    {
        var id = await NewJourneyAsync();
        var (status, contentType, body) = await SendAsync(
            Head("POST", $"/api/journeys/{id}/events", SesApp.ProviderAKey, $"Content-Length: 5\r\nTransfer-Encoding: chunked") + $"{Event.Length + 10:x}\r\n" + Event,
            closeSendSide: false);
        Assert.True(status == 400, $"{status} {contentType}: {body}");
        await AssertVersionAsync(id, 1);
    }

    [Fact]
    public async Task A_complete_body_over_the_same_socket_is_recorded()
    {
        var id = await NewJourneyAsync();
        var (status, _, body) = await SendAsync(Head("POST", $"/api/journeys/{id}/events", SesApp.ProviderAKey, $"Content-Length: {Event.Length}") + Event, closeSendSide: false);
        Assert.True(status == 200, $"{status}: {body}");
        await AssertVersionAsync(id, 2);
    }

    private static string Head(string method, string path, string key, string framing) =>
        $"{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nx-functions-key: {key}\r\nContent-Type: application/json\r\nConnection: close\r\n{framing}\r\n\r\n";

    /// <summary>Sends raw bytes and reads the answer until the server closes, within <see cref="Bound"/>.</summary>
    private async Task<(int Status, string? ContentType, string Body)> SendAsync(string request, bool closeSendSide)
    {
        using var timeout = new CancellationTokenSource(Bound);
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync(new IPEndPoint(IPAddress.Loopback, _base.Port), timeout.Token);
        await socket.SendAsync(Encoding.UTF8.GetBytes(request), SocketFlags.None, timeout.Token);
        if (closeSendSide) socket.Shutdown(SocketShutdown.Send);
        var received = new MemoryStream();
        var buffer = new byte[8192];
        try
        {
            int read;
            while ((read = await socket.ReceiveAsync(buffer, SocketFlags.None, timeout.Token)) > 0) received.Write(buffer, 0, read);
        }
        catch (SocketException) when (received.Length > 0)
        {
            // The server may reset the connection after answering.
        }
        var text = Encoding.UTF8.GetString(received.ToArray());
        Assert.False(string.IsNullOrEmpty(text), "no answer");
        var status = int.Parse(text.Split(' ', 3)[1]);
        var headerEnd = text.IndexOf("\r\n\r\n", StringComparison.Ordinal);
        var headers = text[..headerEnd].Split("\r\n").Skip(1).Select(h => h.Split(':', 2)).ToDictionary(h => h[0].Trim(), h => h[1].Trim(), StringComparer.OrdinalIgnoreCase);
        var contentType = headers.TryGetValue("Content-Type", out var type) ? type.Split(';')[0] : null;
        return (status, contentType, text[(headerEnd + 4)..]);
    }

    private async Task<string> NewJourneyAsync()
    {
        var id = Referrals.NewId();
        var created = await Referrals.CreateAsync(_app.Client(SesApp.ReferralKey), Referrals.Body(id));
        // Deadlines already past at intake fire in the referral's own step: count versions from what it left.
        _created[id] = created.GetProperty("version").GetInt32();
        return id;
    }

    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, int> _created = new();

    /// <summary>The journey is at <paramref name="expected"/> versions counting the referral as 1: nothing else applied.</summary>
    private async Task AssertVersionAsync(string id, int expected)
    {
        using var client = new HttpClient { BaseAddress = _base };
        client.DefaultRequestHeaders.Add("x-functions-key", SesApp.OperatorKey);
        var journey = JsonDocument.Parse(await client.GetStringAsync($"/api/journeys/{id}")).RootElement;
        Assert.Equal(_created[id] + expected - 1, journey.GetProperty("version").GetInt32());
    }
}
