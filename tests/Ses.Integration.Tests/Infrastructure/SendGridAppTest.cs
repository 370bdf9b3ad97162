namespace Ses.Integration.Tests.Infrastructure;

/// <summary>A test class with its own app (own prefix, virtual clock from Monday 2 March 2026) talking to a SendGrid stand-in.</summary>
public abstract class SendGridAppTest : IAsyncLifetime
{
    protected static readonly DateTimeOffset Monday = new(2026, 3, 2, 8, 0, 0, TimeSpan.Zero);

    protected FakeSendGrid SendGrid { get; private set; } = null!;
    protected SesApp App { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        SendGrid = await FakeSendGrid.StartAsync();
        App = new SesApp(Monday, SendGrid.BaseUrl);
    }

    public async Task DisposeAsync()
    {
        await App.DisposeAsync();
        await SendGrid.DisposeAsync();
    }
}
