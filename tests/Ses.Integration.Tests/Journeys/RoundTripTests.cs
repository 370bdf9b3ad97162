using Ses.Infrastructure.Outbox;
using Ses.Infrastructure.Storage;
using Ses.Integration.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Ses.Integration.Tests.Journeys;

/// <summary>
/// Storage round trips per operation, counted on the storage clients (machine-independent). An event is a read and one
/// transaction; the referral and the fired deadline are printed as the baseline issue 9 cuts down.
/// </summary>
public sealed class RoundTripTests(ITestOutputHelper output) : SendGridAppTest
{
    [Fact]
    public async Task An_event_costs_two_storage_round_trips_a_read_and_one_transaction()
    {
        var counter = App.Service<StorageClients>().RoundTrips;
        var staff = App.Client(SesApp.ProviderAKey);
        const int journeys = 20;
        var ids = Enumerable.Range(0, journeys).Select(_ => Referrals.NewId()).ToArray();
        await Referrals.CreateAsync(App.Client(SesApp.ReferralKey), Referrals.Body(Referrals.NewId())); // tables created

        var before = counter.Count;
        foreach (var id in ids) await Referrals.CreateAsync(App.Client(SesApp.ReferralKey), Referrals.Body(id));
        var referral = (counter.Count - before) / (double)journeys;

        before = counter.Count;
        foreach (var id in ids) await Referrals.EventAsync(staff, id, new { type = "prap-acknowledged", eventId = "ack", occurredOn = "2026-03-02" });
        var evt = (counter.Count - before) / (double)journeys;

        before = counter.Count;
        await App.AdvanceAsync("P5D"); // each UCPR1 chase fires and emails
        Assert.True(await App.Service<OutboxSender>().DrainAsync(TimeSpan.FromSeconds(30)));
        var fired = (counter.Count - before) / (double)(journeys + 1);

        output.WriteLine($"storage round trips: referral {referral:F1}, event {evt:F1}, fired deadline with its email {fired:F1} (clock move included)");
        Assert.Equal(2.0, evt);
        Assert.Equal(journeys + 1, SendGrid.Accepted.Count);
    }
}
