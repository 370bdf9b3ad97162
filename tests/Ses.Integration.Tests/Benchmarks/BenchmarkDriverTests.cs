using System.Diagnostics;

namespace Ses.Integration.Tests.Benchmarks;

/// <summary>
/// The benchmark driver (benchmarks/Ses.Bench, run by benchmarks/run.sh) is in the solution and builds with it; this only
/// starts it with an argument it refuses, so the benchmark itself never runs in the test suite.
/// </summary>
public sealed class BenchmarkDriverTests
{
    [Fact]
    public async Task The_benchmark_driver_is_in_the_solution_builds_and_starts()
    {
        var root = RepoRoot();
        Assert.Contains(@"benchmarks\Ses.Bench\Ses.Bench.csproj", await File.ReadAllTextAsync(Path.Combine(root, "SesFunctions.sln")));
        var configuration = AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Debug{Path.DirectorySeparatorChar}") ? "Debug" : "Release";
        var dll = Path.Combine(root, "benchmarks", "Ses.Bench", "bin", configuration, "net10.0", "Ses.Bench.dll");
        Assert.True(File.Exists(dll), $"{dll} is not built.");

        var info = new ProcessStartInfo("dotnet", [dll, "--not-an-option"]) { RedirectStandardError = true, RedirectStandardOutput = true };
        using var driver = Process.Start(info)!;
        var error = driver.StandardError.ReadToEndAsync();
        await driver.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(60));
        Assert.Equal(2, driver.ExitCode);
        Assert.Contains("Unknown argument --not-an-option", await error);
    }

    private static string RepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "SesFunctions.sln"))) return dir.FullName;
        }
        throw new InvalidOperationException("SesFunctions.sln not found above the test output.");
    }
}
