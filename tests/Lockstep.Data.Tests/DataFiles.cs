namespace Lockstep.Data.Tests;

/// <summary>Paths of the shipped datasets (data/ at the repository root).</summary>
public static class DataFiles
{
    public static string Root { get; } = FindRoot();

    public static string Path(string relative) => System.IO.Path.Combine(Root, "data", relative);

    private static string FindRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(System.IO.Path.Combine(dir.FullName, "Lockstep.slnx")))
        {
            dir = dir.Parent;
        }
        return dir?.FullName ?? throw new InvalidOperationException("cannot find the repository root (Lockstep.slnx) above " + AppContext.BaseDirectory);
    }
}
