using FsCheck.Xunit;
using Ses.Domain.Journeys;
using Ses.Domain.Referrals;
using Ses.Domain.Statistics;
using Ses.Infrastructure.Journeys;
using static Ses.Domain.Tests.Journeys.JourneySpec;

namespace Ses.Domain.Tests.Journeys;

/// <summary>
/// The listing row that the list, the caseload summary and the statistics read (issue 9): the same answers as the
/// journey itself, nothing personal, and a row key range per provider whatever the provider's characters.
/// </summary>
public sealed class JourneyListingTests
{
    [Fact]
    public void A_new_referral_is_listed_with_its_next_deadline_under_its_provider()
    {
        var journey = new JourneySpec().Given(Referral()).State;
        var listing = JourneyListing.From(journey, At(2026, 3, 2));
        Assert.Equal(("200123456", "200123456", "prov-a", Channel.Prap), (listing.JourneyId, listing.ReferralId, listing.Provider, listing.Channel));
        Assert.True(listing.UniversalCredit);
        Assert.Equal(Phase.Referred, listing.Phase);
        Assert.Equal((DeadlineKind.Ucpr1Chase, new DateOnly(2026, 3, 6)), (listing.NextDeadline, listing.NextDue));
        Assert.False(listing.Overdue);
        Assert.False(listing.HasMissedDeadline);
        Assert.True(listing.IsReferral);
        Assert.Equal(journey.Version, listing.Version);
        var row = listing.ToEntity();
        Assert.Equal(("j", "l|prov-a|200123456"), (row.PartitionKey, row.RowKey));
    }

    [Fact] // SPEC 4.4: overdue as the state row has it (judged when written); the caseload tile counts any missed deadline
    public void Overdue_is_judged_when_written_and_the_missed_deadline_flag_stays_until_the_journey_closes()
    {
        var spec = new JourneySpec().Given(Referral(referralId: "100123456", benefit: Benefit.Esa));
        Assert.False(JourneyListing.From(spec.State, At(2026, 3, 16, 23)).Overdue);
        Assert.True(JourneyListing.From(spec.State, At(2026, 3, 17, 1)).Overdue); // by time alone, no timer fired

        var chased = new JourneySpec().Given(Referral()).Fire(DeadlineKind.Ucpr1Chase);
        var missed = JourneyListing.From(chased.State, At(2026, 3, 6, 10));
        Assert.True(missed.Overdue && missed.HasMissedDeadline);
        chased.Given(new Ucpr1Received(new DateOnly(2026, 3, 9)), At(2026, 3, 9));
        var late = JourneyListing.From(chased.State, At(2026, 3, 9, 13));
        Assert.False(late.Overdue);
        Assert.True(late.HasMissedDeadline);
        chased.When(new Terminate("duplicate referral", At(2026, 3, 10))).ThenAccepted();
        var closed = JourneyListing.From(chased.State, At(2026, 3, 10, 13));
        Assert.Equal(Phase.Closed, closed.Phase);
        Assert.NotNull(closed.Closure);
        Assert.False(closed.Overdue || closed.HasMissedDeadline);
    }

    [Fact] // 13.44: an SRO introduction counts as a referral once eligibility is confirmed and it has a PRaP referral ID
    public void An_SRO_introduction_is_a_referral_for_the_statistics_only_once_confirmed()
    {
        var spec = new JourneySpec().Given(Referral("abc123", channel: Channel.Sro, benefit: Benefit.Esa));
        Assert.False(JourneyListing.From(spec.State, At(2026, 3, 2)).IsReferral);
        spec.Given(new SroEligibilityConfirmed(new DateOnly(2026, 3, 4), "100123456"), At(2026, 3, 4));
        var confirmed = JourneyListing.From(spec.State, At(2026, 3, 4));
        Assert.True(confirmed.IsReferral);
        Assert.Equal(("sro-abc123", "100123456"), (confirmed.JourneyId, confirmed.ReferralId));
    }

    [Fact] // SPEC 7: the statistics read the same facts of a journey as when they opened it
    public void The_snapshot_is_the_statistics_view_of_the_journey()
    {
        var j = new JourneySpec().Given(Referral())
            .Given(new InitialAssessmentHeld(new DateOnly(2026, 3, 3), Recommendation.Main), At(2026, 3, 3))
            .Given(new Started(new DateOnly(2026, 3, 4)), At(2026, 3, 4)).State;
        var expected = new JourneySnapshot(
            j.ReferralId, j.Referral.Provider, j.ReferralDate, j.StartOn, j.Referral.Participant.Benefit,
            j.Referral.Participant.MonthsEmployedInPrior24, j.ShortOutcome.State, j.ShortOutcome.On, j.SustainedOutcome.State, j.SustainedOutcome.On);
        Assert.Equal(expected, JourneyListing.From(j, At(2026, 3, 4)).Snapshot());
        Assert.Equal(new DateOnly(2026, 3, 4), expected.StartOn);
    }

    [Fact]
    public void A_listing_reads_back_from_its_row_unchanged_and_holds_nothing_personal()
    {
        var spec = new JourneySpec().Given(Referral()).Fire(DeadlineKind.Ucpr1Chase);
        var listing = JourneyListing.From(spec.State, At(2026, 3, 6, 10));
        var row = listing.ToEntity();
        Assert.Equal(listing, JourneyListing.FromEntity(row));
        var values = row.Select(p => Convert.ToString(p.Value, System.Globalization.CultureInfo.InvariantCulture) ?? "").ToArray();
        foreach (var personal in new[] { "AB123456C", "Ada", "Example", "0113", "1 Example Street", "SPoC", "spoc@", "Coach", "coach@" })
        {
            Assert.DoesNotContain(values, v => v.Contains(personal, StringComparison.OrdinalIgnoreCase));
        }
    }

    [Theory] // row keys may not hold / \ # ? or control characters; '|' separates; '%' and quotes upset some request paths
    [InlineData("prov/a")]
    [InlineData("prov\\a")]
    [InlineData("prov#a?")]
    [InlineData("prov|a")]
    [InlineData("prov%2Fa")]
    [InlineData("o'neil & co")]
    [InlineData("prov~a")]
    [InlineData("Prövider ✓ 🚀")]
    public void Any_provider_gets_a_safe_row_key_range_of_its_own(string provider)
    {
        var others = new[] { "prov", "prov-a", "prova", "prov!7Ca", "prov|a|b", provider + "x", provider + "|", "prov/a/b" }.Where(o => o != provider);
        var key = IndexKeys.Listing(provider, "200123456");
        Assert.DoesNotContain(key, c => c is '/' or '\\' or '#' or '?' or '%' or '\'' || char.IsControl(c));
        Assert.True(key.Length < 1024);
        Assert.True(InRange(key, provider));
        Assert.True(InRange(key, null));
        foreach (var other in others)
        {
            Assert.False(InRange(key, other), $"{provider}'s listing is in {other}'s range");
            Assert.False(InRange(IndexKeys.Listing(other, "200123456"), provider), $"{other}'s listing is in {provider}'s range");
        }
        Assert.False(InRange("w|2026-03-06T09:00|200123456", null)); // another writer's rows in the partition
    }

    /// <summary>
    /// ADR 009: the next-due rows sort as (next due, journey ID) with nothing due last, in every provider's scope and in
    /// each provider's, and a date range of the list is exactly a row key range.
    /// </summary>
    [Property(MaxTest = 300)]
    public bool Next_due_rows_sort_next_due_first_then_by_journey_id_and_a_date_range_is_a_key_range(
        int[] offsets, ushort fromOffset, ushort span, bool ofProvider)
    {
        var day = new DateOnly(2026, 1, 1);
        DateOnly? Due(int offset) => offset % 7 == 0 ? null : day.AddDays(Math.Abs(offset % 4000));
        var provider = ofProvider ? "prov-a" : null;
        var journeys = offsets.Select((o, i) => (Id: (i % 3 == 0 ? "sro-" : "2") + (o * 7919 % 100000).ToString("D5") + i, Due: Due(o))).ToArray();
        var byKey = journeys.OrderBy(j => IndexKeys.Due(provider, j.Due, j.Id), StringComparer.Ordinal).ToArray();
        var expected = journeys.OrderBy(j => j.Due ?? DateOnly.MaxValue).ThenBy(j => IndexKeys.Escape(j.Id), StringComparer.Ordinal).ToArray();
        var (from, before) = (day.AddDays(fromOffset % 4000), day.AddDays(fromOffset % 4000 + span % 400));
        var (lo, hi) = IndexKeys.DueRange(provider, from, before);
        var inRange = journeys.Where(j => string.CompareOrdinal(IndexKeys.Due(provider, j.Due, j.Id), lo) >= 0
            && string.CompareOrdinal(IndexKeys.Due(provider, j.Due, j.Id), hi) < 0).Select(j => j.Id).Order().ToArray();
        var dueInRange = journeys.Where(j => j.Due is { } d && d >= from && d < before).Select(j => j.Id).Order().ToArray();
        var (all, allEnd) = IndexKeys.DueRange(provider);
        return byKey.SequenceEqual(expected)
            && inRange.SequenceEqual(dueInRange)
            && journeys.All(j => string.CompareOrdinal(IndexKeys.Due(provider, j.Due, j.Id), all) >= 0 && string.CompareOrdinal(IndexKeys.Due(provider, j.Due, j.Id), allEnd) < 0);
    }

    [Theory]
    [InlineData("prov-a")]
    [InlineData("prov|a")]
    [InlineData("*")]
    [InlineData("Prövider ✓ 🚀")]
    public void Each_provider_has_a_next_due_scope_of_its_own_apart_from_every_providers(string provider)
    {
        var listing = JourneyListing.From(new JourneySpec().Given(Referral()).State, At(2026, 3, 2)) with { Provider = provider };
        var (everyone, mine) = (listing.DueKeys()[0], listing.DueKeys()[1]);
        Assert.True(InDueRange(everyone, null));
        Assert.False(InDueRange(everyone, provider));
        Assert.True(InDueRange(mine, provider));
        Assert.False(InDueRange(mine, null));
        foreach (var other in new[] { "prov", "prov-b", provider + "x", provider + "|" }.Where(o => o != provider))
        {
            Assert.False(InDueRange(mine, other), $"{provider}'s row is in {other}'s scope");
        }
        Assert.False(InRange(mine, null)); // no next-due row is a listing
        Assert.False(InDueRange(IndexKeys.Listing(provider, listing.JourneyId), null));
        var rows = listing.ToEntities();
        Assert.Equal([IndexKeys.Listing(provider, listing.JourneyId), everyone, mine], rows.Select(r => r.RowKey));
        Assert.All(rows, r => Assert.Equal(rows[0].Where(c => c.Key != "RowKey"), r.Where(c => c.Key != "RowKey")));
    }

    private static bool InDueRange(string key, string? provider)
    {
        var (from, to) = IndexKeys.DueRange(provider);
        return string.CompareOrdinal(key, from) >= 0 && string.CompareOrdinal(key, to) < 0;
    }

    private static bool InRange(string key, string? provider)
    {
        var (from, to) = IndexKeys.ListingRange(provider);
        return string.CompareOrdinal(key, from) >= 0 && string.CompareOrdinal(key, to) < 0;
    }
}
