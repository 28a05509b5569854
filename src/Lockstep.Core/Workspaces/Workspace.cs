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
    public static Workspace At(string root)
    {
        var full = Path.GetFullPath(root);
        var store = Environment.GetEnvironmentVariable("LOCKSTEP_STORE") is { Length: > 0 } s ? Path.GetFullPath(s) : Path.Combine(full, StoreFolderName);
        return new Workspace(full, Path.Combine(full, PipelineFileName), store);
    }

    /// <summary>The workspace named by <paramref name="explicitPath"/>, or the nearest folder at or above the current one with a pipeline file.</summary>
    public static Workspace Find(string? explicitPath)
    {
        if (explicitPath is not null)
        {
            if (File.Exists(explicitPath) && explicitPath.EndsWith(".yaml", StringComparison.OrdinalIgnoreCase))
            {
                var ws = At(Path.GetDirectoryName(Path.GetFullPath(explicitPath))!);
                return ws with { PipelinePath = Path.GetFullPath(explicitPath) };
            }
            if (!Directory.Exists(explicitPath))
            {
                throw new WorkspaceException($"workspace folder {explicitPath} does not exist; create it with 'lockstep init {explicitPath}'");
            }
            return At(explicitPath);
        }
        var dir = new DirectoryInfo(Directory.GetCurrentDirectory());
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
