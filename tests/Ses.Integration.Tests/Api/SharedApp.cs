using Ses.Integration.Tests.Infrastructure;

namespace Ses.Integration.Tests.Api;

/// <summary>One app for the API tests that never move the clock; each test uses fresh referral IDs.</summary>
public sealed class SharedApp : IAsyncLifetime
{
    public SesApp App { get; } = new(new DateTimeOffset(2026, 6, 1, 8, 0, 0, TimeSpan.Zero));

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await App.DisposeAsync();
}

[CollectionDefinition(Name)]
public sealed class ApiCollection : ICollectionFixture<SharedApp>
{
    public const string Name = "api";
}
