using System.Diagnostics;
using System.Reflection;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Ses.Integration.Tests.Infrastructure;

[assembly: System.Runtime.Versioning.SupportedOSPlatform("linux")]

namespace Ses.Integration.Tests.Infra;

/// <summary>Runs alone (after the parallel tests): it starts the Bicep compiler and a self-contained publish.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class InfraCollection
{
    public const string Name = "infra";
}

internal static class Tool
{
    public static (int Exit, string Out, string Err) Run(string file, string arguments, string workingDirectory, TimeSpan timeout)
    {
        var info = new ProcessStartInfo(file, arguments)
        {
            WorkingDirectory = workingDirectory, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
        };
        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(timeout))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{file} {arguments} did not finish within {timeout}.");
        }
        return (process.ExitCode, stdout.Result, stderr.Result);
    }
}

/// <summary>Issue 11: infra/*.bicep compiles with the Bicep compiler of the NuGet package, with no error and no linter warning.</summary>
[Collection(InfraCollection.Name)]
public sealed class BicepTests
{
    private static readonly Regex Diagnostic = new(@"\) : (Error|Warning) ", RegexOptions.Compiled);

    private static string Bicep()
    {
        var configured = typeof(BicepTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "BicepPath").Value;
        Assert.False(string.IsNullOrEmpty(configured), "BicepPath is empty: the Azure.Bicep.CommandLine.linux-x64 package's build props were not imported.");
        var path = configured!.Replace('\\', '/');
        Assert.True(File.Exists(path), $"The Bicep compiler is not at {path}.");
        var mode = File.GetUnixFileMode(path);
        if (!mode.HasFlag(UnixFileMode.UserExecute)) File.SetUnixFileMode(path, mode | UnixFileMode.UserExecute);
        return path;
    }

    private static string[] Files() => Directory.GetFiles(Path.Combine(Repo.Root(), "infra"), "*.bicep");

    public static string Compile(string file)
    {
        var (exit, json, err) = Tool.Run(Bicep(), $"build \"{file}\" --stdout", Repo.Root(), TimeSpan.FromMinutes(3));
        Assert.True(exit == 0, $"bicep build {file} failed:\n{err}");
        Assert.False(Diagnostic.IsMatch(err), $"bicep build {file}:\n{err}");
        return json;
    }

    [Fact]
    public void Every_bicep_file_compiles_and_lints_with_no_error_and_no_warning()
    {
        Assert.NotEmpty(Files());
        foreach (var file in Files())
        {
            Compile(file);
            var (exit, stdout, stderr) = Tool.Run(Bicep(), $"lint \"{file}\"", Repo.Root(), TimeSpan.FromMinutes(3));
            Assert.True(exit == 0 && !Diagnostic.IsMatch(stdout + stderr), $"bicep lint {file}:\n{stdout}{stderr}");
        }
    }

    [Fact]
    public void A_file_with_a_warning_fails_the_check()
    {
        var bad = Path.Combine(Path.GetTempPath(), $"ses-lint-{Guid.NewGuid():N}.bicep");
        File.WriteAllText(bad, "param unused string\n");
        try
        {
            var (_, stdout, stderr) = Tool.Run(Bicep(), $"lint \"{bad}\"", Path.GetTempPath(), TimeSpan.FromMinutes(3));
            Assert.Matches(Diagnostic, stdout + stderr);
        }
        finally
        {
            File.Delete(bad);
        }
    }

    [Fact]
    public void The_infra_scripts_parse_and_deploy_sh_explains_itself_without_arguments()
    {
        foreach (var script in Directory.GetFiles(Path.Combine(Repo.Root(), "infra"), "*.sh"))
        {
            var (exit, _, err) = Tool.Run("bash", $"-n \"{script}\"", Repo.Root(), TimeSpan.FromSeconds(30));
            Assert.True(exit == 0, $"{script}: {err}");
        }
        var usage = Tool.Run("bash", "infra/deploy.sh", Repo.Root(), TimeSpan.FromSeconds(30));
        Assert.Equal(2, usage.Exit);
        Assert.Contains("usage: infra/deploy.sh [--what-if]", usage.Err);
    }

    [Fact]
    public void The_deployment_uses_the_managed_identity_and_key_vault_and_holds_no_account_key()
    {
        var template = Compile(Path.Combine(Repo.Root(), "infra", "main.bicep"));
        using var json = JsonDocument.Parse(template);

        foreach (var forbidden in new[] { "listKeys", "AccountKey", "Storage__ConnectionString", "'AzureWebJobsStorage'", "WEBSITE_CONTENTAZUREFILECONNECTIONSTRING" })
        {
            Assert.DoesNotContain(forbidden, template, StringComparison.OrdinalIgnoreCase);
        }
        Assert.Contains("\"allowSharedKeyAccess\": false", template);
        Assert.Contains("AzureWebJobsStorage__accountName", template);
        Assert.Contains("Storage__AccountName", template);
        Assert.Contains("APPLICATIONINSIGHTS_CONNECTION_STRING", template);
        // Storage Blob Data Owner, Queue Data Contributor and Table Data Contributor for the app; Key Vault Secrets User.
        foreach (var role in new[] { "b7e6dc6d-f1e8-4753-8033-0f276bb0955b", "974c5e8b-45b9-4653-ba55-5f855dd0fb88", "0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3", "4633458b-17de-408a-b874-0445c86b69e6" })
        {
            Assert.Contains(role, template);
        }
        Assert.Contains("@Microsoft.KeyVault(VaultName=", template);
        Assert.Contains("sendgrid-api-key", template);
        Assert.Contains("api-key-", template);
        Assert.Matches("'Docs__RequireKey', 'value', 'true'|\"Docs__RequireKey\"", template);
        // The isolated worker on .NET 10 (ADR 011), on Elastic Premium with one instance always warm for the timers, and the
        // Durable extension's hub named as the local host names it.
        Assert.Contains("'FUNCTIONS_WORKER_RUNTIME', 'value', 'dotnet-isolated'", template);
        Assert.Contains("DOTNET-ISOLATED|10.0", template);
        Assert.Contains("\"tier\": \"ElasticPremium\"", template);
        Assert.Contains("\"minimumElasticInstanceCount\": 1", template);
        Assert.Contains("DurableTask__HubName", template);
        Assert.Contains("'AzureWebJobsDisableHomepage', 'value', 'true'", template);
        Assert.DoesNotContain("'custom'", template);

        var parameters = json.RootElement.GetProperty("parameters");
        Assert.DoesNotContain(parameters.EnumerateObject(), p => p.Name.Contains("key", StringComparison.OrdinalIgnoreCase) && p.Value.GetProperty("type").GetString() is "string" or "securestring");
    }
}
