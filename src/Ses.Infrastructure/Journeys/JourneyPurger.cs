using Ses.Domain.Journeys;
using Ses.Infrastructure.Documents;
using Ses.Infrastructure.Outbox;
using Ses.Infrastructure.Protection;
using Ses.Infrastructure.Timers;

namespace Ses.Infrastructure.Journeys;

/// <summary>
/// SPEC 6: purge removes everything about a journey from every table and container, and destroys its data key last
/// (crypto-shredding, ADR 005): copies of its rows in backups can no longer be read. Last, so a purge cut short can be
/// run again on a journey that still loads.
/// </summary>
public sealed class JourneyPurger(
    JourneyStore store, JourneyIndex listings, TimerIndex timers, WakeUps wakeUps, OutboxIndex outbox, DocumentStore documents, JourneyKeyStore keys,
    JourneyRules rules, ReminderOptions reminders)
{
    public async Task PurgeAsync(StoredJourney stored, CancellationToken ct = default)
    {
        var journey = stored.Journey;
        var timerRows = journey.Deadlines.SelectMany(d => TimerPlan.For(d, journey.Referral.Region, rules.Calendar, reminders.TimeOfDay));
        await timers.DeleteAsync(journey.JourneyId, timerRows, ct); // rows of a release before wake-ups
        await wakeUps.DeleteJourneyAsync(journey.JourneyId, ct);
        await outbox.DeleteJourneyAsync(journey.JourneyId, ct);
        await documents.DeleteAllAsync(journey.JourneyId, ct);
        await listings.DeleteAsync(journey, ct); // before the state: a purge that fails after it can still be retried
        await store.PurgePartitionAsync(journey.JourneyId, ct);
        await keys.DeleteAsync(journey.JourneyId, ct);
    }
}
