namespace Ses.Demo;

/// <summary>One synthetic participant's journey, decided up front from the calibrated rates: what happens and when.</summary>
public sealed record Planned(DateOnly On, object Event);

public sealed record Participant(string ReferralId, string Provider, DateOnly ReferralDate, string Benefit, int MonthsEmployed, object Referral, IReadOnlyList<Planned> Events);

/// <summary>
/// Synthetic participants with the rates of the official SES statistics (seeds/001): 72 % of referrals start; of starts,
/// about 20 % reach a short and 15 % a sustained job outcome; 51 % JSA and 18 % UC at referral. Names and NINOs are
/// generated (valid in shape, never taken from real data) and every record is marked synthetic: provision
/// <see cref="ProvisionId"/>, client number <c>SYNTHETIC-…</c>, surname <c>Synthetic</c>.
/// </summary>
public sealed class ParticipantFactory(int seed)
{
    public const string ProvisionId = "SES-DEMO-SYNTHETIC";
    public const double StartRate = 0.72, ShortRate = 0.20, SustainedRate = 0.15;

    public static readonly (string Id, string Region)[] Providers =
        [("demo-north", "england-and-wales"), ("demo-south", "england-and-wales"), ("demo-scotland", "scotland"), ("demo-ni", "northern-ireland")];

    private static readonly (string Benefit, double Share)[] Benefits =
        [("JSA", 0.51), ("UC", 0.18), ("ESA", 0.21), ("IS", 0.04), ("IB", 0.03), ("other", 0.02), ("none", 0.01)];

    private static readonly string[] Forenames = ["Alex", "Sam", "Jo", "Chris", "Robin", "Jamie", "Morgan", "Taylor", "Casey", "Drew"];
    private static readonly string[] NinoPrefixes = ["JG", "JH", "JK", "JL", "JM", "JN", "JP", "JR", "JS", "JT"];

    private readonly Random _random = new(seed);
    private int _po;

    public Participant Next(DateOnly referralDate)
    {
        var n = Interlocked.Increment(ref _po);
        var (provider, region) = Providers[_random.Next(Providers.Length)];
        var benefit = Pick(Benefits);
        var referralId = (benefit == "UC" ? "2" : "1") + (30_000_000 + n).ToString("D8");
        var months = _random.NextDouble() switch { < 0.5 => 0, < 0.8 => _random.Next(1, 13), _ => _random.Next(13, 25) };
        var referral = new
        {
            referralId, provisionId = ProvisionId, referralDate = referralDate.ToString("yyyy-MM-dd"), provider, region, channel = "prap", mappa = false,
            participant = new
            {
                title = "Mx", forename = Forenames[_random.Next(Forenames.Length)], surname = "Synthetic",
                nino = $"{NinoPrefixes[_random.Next(NinoPrefixes.Length)]}{_random.Next(0, 1_000_000):D6}{"ABCD"[_random.Next(4)]}",
                clientNumber = $"SYNTHETIC-{n:D6}", disability = true, benefit, monthsEmployedInPrior24 = months,
            },
            spoc = new { name = "Demo SPoC", email = "spoc@demo.invalid" },
            workCoach = new { name = "Demo Work Coach", email = "coach@demo.invalid" },
        };
        return new Participant(referralId, provider, referralDate, benefit, months, referral, Plan(referralDate, benefit));
    }

    private IReadOnlyList<Planned> Plan(DateOnly referred, string benefit)
    {
        var events = new List<Planned>();
        void Add(DateOnly on, object e) => events.Add(new Planned(on, e));
        static string D(DateOnly d) => d.ToString("yyyy-MM-dd");
        if (benefit == "UC") Add(referred.AddDays(2), new { type = "ucpr1-received", occurredOn = D(referred.AddDays(2)) });
        var assessed = referred.AddDays(_random.Next(2, 9));
        if (_random.NextDouble() >= StartRate)
        {
            // Did not start: assessed as not suitable, or withdrew (participation is voluntary).
            if (_random.NextDouble() < 0.4)
            {
                Add(assessed, new { type = "initial-assessment-held", occurredOn = D(assessed), recommendation = "not-suitable", reason = "Synthetic: not suitable" });
            }
            else
            {
                Add(assessed, new { type = "withdrawn", occurredOn = D(assessed), reason = "Synthetic: withdrew before starting" });
            }
            return events;
        }
        Add(assessed, new { type = "initial-assessment-held", occurredOn = D(assessed), recommendation = "main" });
        var start = assessed.AddDays(_random.Next(3, 12));
        Add(start, new { type = "started", startOn = D(start) });
        Add(start.AddDays(2), new { type = "isp-agreed", occurredOn = D(start.AddDays(2)), reviewIntervalWeeks = 52 });
        var completes = _random.NextDouble() < 0.4;
        var left = completes ? start.AddDays(364) : start.AddDays(_random.Next(56, 300));
        Add(left, completes ? new { type = "completed", endOn = D(left) } : (object)new { type = "left-early", leftOn = D(left), reason = "Synthetic: left" });
        // Of starts: 20 % short outcomes, 15 % sustained; some more start a job that does not last 13 weeks.
        var roll = _random.NextDouble();
        if (roll >= ShortRate + 0.06) return events; // no job in the tracking window: the journey closes by itself
        var job = left.AddDays(_random.Next(1, 36));
        Add(job, new { type = "job-started", startOn = D(job), hoursPerWeek = 25, selfEmployed = false, employer = "Synthetic Employer Ltd" });
        if (roll < SustainedRate) return events; // keeps the job: both outcomes
        var ended = roll < ShortRate ? job.AddDays(_random.Next(100, 170)) : job.AddDays(_random.Next(20, 80));
        Add(ended, new { type = "job-ended", endedOn = D(ended) });
        return events;
    }

    private string Pick((string Value, double Share)[] shares)
    {
        var roll = _random.NextDouble();
        foreach (var (value, share) in shares)
        {
            if ((roll -= share) < 0) return value;
        }
        return shares[^1].Value;
    }
}
