using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Ses.Integration.Tests.Infrastructure;

/// <summary>
/// One Azurite for the whole test run. <c>scripts/test.sh</c> starts it and passes <c>SES_TEST_STORAGE</c>; run from an IDE
/// without it, the fixture starts Azurite itself from <c>scripts/node_modules</c> on free loopback ports, in memory.
/// </summary>
public static class Azurite
{
    private static readonly Lazy<string> Connection = new(Start, LazyThreadSafetyMode.ExecutionAndPublication);
    private static Process? _process;

    public static string ConnectionString => Connection.Value;

    private static string Start()
    {
        if (Environment.GetEnvironmentVariable("SES_TEST_STORAGE") is { Length: > 0 } given) return given;
        (_process, var connection) = StartOwn();
        AppDomain.CurrentDomain.ProcessExit += (_, _) => { try { _process.Kill(true); } catch (InvalidOperationException) { } };
        return connection;
    }

    /// <summary>
    /// An Azurite of its own, in memory on free loopback ports: for the one fault test that freezes storage (SIGSTOP),
    /// which must not freeze every other test sharing the run's Azurite. The caller stops it.
    /// </summary>
    public static (Process Process, string ConnectionString) StartOwn()
    {
        var root = RepoRoot();
        var bin = Path.Combine(root, "scripts", "node_modules", ".bin", "azurite");
        if (!File.Exists(bin)) throw new InvalidOperationException("Azurite is not installed: run `npm ci` in scripts/ (scripts/test.sh does it).");
        int blob = FreePort(), queue = FreePort(), table = FreePort();
        var info = new ProcessStartInfo(bin,
            $"--silent --inMemoryPersistence --skipApiVersionCheck --loose --blobHost 127.0.0.1 --queueHost 127.0.0.1 --tableHost 127.0.0.1 --blobPort {blob} --queuePort {queue} --tablePort {table}")
        { RedirectStandardOutput = true, RedirectStandardError = true };
        var process = Process.Start(info)!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!Listening(table) || !Listening(blob))
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException("Azurite did not start.");
            Thread.Sleep(100);
        }
        const string key = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";
        return (process, $"DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey={key};" +
               $"BlobEndpoint=http://127.0.0.1:{blob}/devstoreaccount1;QueueEndpoint=http://127.0.0.1:{queue}/devstoreaccount1;" +
               $"TableEndpoint=http://127.0.0.1:{table}/devstoreaccount1;");
    }

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static bool Listening(int port)
    {
        try
        {
            using var client = new TcpClient();
            client.Connect(IPAddress.Loopback, port);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
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
