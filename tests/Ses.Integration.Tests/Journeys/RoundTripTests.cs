using Ses.Infrastructure.Outbox;
using Ses.Infrastructure.Storage;
using Ses.Integration.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Ses.Integration.Tests.Journeys;

/// <summary>
/// Storage round trips per operation, counted on the storage clients (machine-independent), against issue 9's budgets: a
/// referral at most 3 (its data key, its write-ahead transaction in the index, its commit), an event at most 2 (a read and
/// one transaction), a fired deadline with its email at most 5, the clock move's own queries included.
/// </summary>
public sealed class RoundTripTests(ITestOutputHelper output) : SendGridAppTest
{
    [Fact]
    public async Task Referrals_events_and_fired_deadlines_keep_to_their_storage_round_trip_budgets()
    {
        var counter = App.Service<StorageClients>().RoundTrips;
        var staff = App.Client(SesApp.ProviderAKey);
        const int journeys = 40;
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
        Assert.InRange(referral, 1, 3.0);
        Assert.InRange(evt, 1, 2.0);
        Assert.InRange(fired, 1, 5.0);
        Assert.Equal(journeys + 1, SendGrid.Accepted.Count);
    }
}
