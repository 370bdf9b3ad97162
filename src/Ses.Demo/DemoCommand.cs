namespace Ses.Demo;

/// <summary>
/// <c>dotnet run --project src/Ses.Demo -- --url URL --key OPERATOR_KEY [--participants N] [--purge]</c>; scripts/run.sh
/// --demo runs it against the app it starts.
/// </summary>
public static class DemoCommand
{
    public static async Task<int> Main(string[] args)
    {
        string Arg(string name, string fallback) => Array.IndexOf(args, name) is var i and >= 0 && i + 1 < args.Length ? args[i + 1] : fallback;
        using var api = new HttpClient { BaseAddress = new Uri(Arg("--url", "http://127.0.0.1:7071")), Timeout = TimeSpan.FromMinutes(5) };
        api.DefaultRequestHeaders.Add("x-functions-key", Arg("--key", "local-operator-key"));
        var programme = new DemoProgramme(api, Console.WriteLine);
        if (args.Contains("--purge"))
        {
            Console.WriteLine($"Purged {await programme.PurgeAsync()} synthetic journeys.");
            return 0;
        }
        var options = new DemoOptions { Participants = int.Parse(Arg("--participants", "2000"), System.Globalization.CultureInfo.InvariantCulture) };
        Console.WriteLine($"Driving {options.Participants} synthetic participants from {options.From:yyyy-MM-dd} to {options.Until:yyyy-MM-dd}...");
        var result = await programme.RunAsync(options);
        Console.WriteLine($"Done: {result.Referrals} referrals, {result.Events} events, {result.ClockMoves} weekly clock moves, {result.Refused.Count} refused.");
        return result.Refused.Count == 0 ? 0 : 1;
    }
}
