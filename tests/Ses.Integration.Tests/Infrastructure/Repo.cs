namespace Ses.Integration.Tests.Infrastructure;

internal static class Repo
{
    /// <summary>The repository's root (the folder of SesFunctions.sln) above the test's binaries.</summary>
    public static string Root()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "SesFunctions.sln"))) return dir.FullName;
        }
        throw new InvalidOperationException("Repository root not found.");
    }
}
