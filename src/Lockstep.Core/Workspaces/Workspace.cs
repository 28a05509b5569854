using Lockstep.Errors;

namespace Lockstep.Workspaces;

/// <summary>
/// A folder holding a pipeline file (<c>lockstep.yaml</c>) and, by default, the embedded store
/// (<c>.lockstep/</c>). Commands run from anywhere inside it find it by walking up.
/// </summary>
public sealed record Workspace(string Root, string PipelinePath, string StorePath)
{
    public const string PipelineFileName = "lockstep.yaml";
    public const string StoreFolderName = ".lockstep";

    /// <summary>The store folder can be moved with the LOCKSTEP_STORE environment variable.</summary>
    public static Workspace At(string root) => At(root, Directory.GetCurrentDirectory());

    /// <summary>As <see cref="At(string)"/>, with relative paths (the root, LOCKSTEP_STORE) taken from <paramref name="workingDirectory"/>.</summary>
    public static Workspace At(string root, string workingDirectory)
    {
        var full = Path.GetFullPath(root, workingDirectory);
        var store = Environment.GetEnvironmentVariable("LOCKSTEP_STORE") is { Length: > 0 } s ? Path.GetFullPath(s, workingDirectory) : Path.Combine(full, StoreFolderName);
        return new Workspace(full, Path.Combine(full, PipelineFileName), store);
    }

    /// <summary>The workspace named by <paramref name="explicitPath"/>, or the nearest folder at or above the current one with a pipeline file.</summary>
    public static Workspace Find(string? explicitPath) => Find(explicitPath, Directory.GetCurrentDirectory());

    /// <summary>
    /// As <see cref="Find(string?)"/>, for a command whose working folder is <paramref name="workingDirectory"/>
    /// rather than the process's own (the resident process answers commands from many folders).
    /// </summary>
    public static Workspace Find(string? explicitPath, string workingDirectory)
    {
        if (explicitPath is not null)
        {
            var full = Path.GetFullPath(explicitPath, workingDirectory);
            if (File.Exists(full) && explicitPath.EndsWith(".yaml", StringComparison.OrdinalIgnoreCase))
            {
                var ws = At(Path.GetDirectoryName(full)!, workingDirectory);
                return ws with { PipelinePath = full };
            }
            if (!Directory.Exists(full))
            {
                throw new WorkspaceException($"workspace folder {explicitPath} does not exist; create it with 'lockstep init {explicitPath}'");
            }
            return At(full, workingDirectory);
        }
        var dir = new DirectoryInfo(workingDirectory);
        for (var d = dir; d is not null; d = d.Parent)
        {
            if (File.Exists(Path.Combine(d.FullName, PipelineFileName)))
            {
                return At(d.FullName);
            }
        }
        throw new WorkspaceException($"no {PipelineFileName} in {dir.FullName} or any folder above it; run 'lockstep init' here to create a workspace, or pass --workspace DIR");
    }
}
