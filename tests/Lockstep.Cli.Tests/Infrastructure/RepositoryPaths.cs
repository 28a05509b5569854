namespace Lockstep.Cli.Tests.Infrastructure;

/// <summary>Folders of the repository the tests were built from.</summary>
internal static class RepositoryPaths
{
    public static string Root { get; } = FindRoot();

    public static string Example(string name) => Path.Combine(Root, "examples", name);

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Lockstep.slnx")))
            {
                return dir.FullName;
            }
        }
        throw new InvalidOperationException($"no Lockstep.slnx above {AppContext.BaseDirectory}");
    }
}
