using System.Text;
using Lockstep.Hashing;
using Lockstep.Pipelines;

namespace Lockstep.Planning;

/// <summary>
/// The resolved pipeline (file parsed, <c>--set</c> applied, <c>${params.…}</c> substituted) of the
/// last successful load, kept in the store's <c>resolved/</c> folder under the hash of the file's
/// bytes, the overrides and this Lockstep build. A fully cached <c>lockstep run</c> then reads one
/// small JSON document instead of starting the YAML parser (≈ 16 assemblies and a compiled regex).
/// Only successful loads are kept, so a file with mistakes is always parsed and its errors keep
/// their file, line and column; callers that fail to plan a cached pipeline load it again with
/// <see cref="LoadUncachedAsync"/> for the same reason.
/// </summary>
public static class ResolvedPipelineCache
{
    public const string FolderName = "resolved";

    private const string Version = "lockstep-resolved-pipeline-1";

    /// <summary>The resolved pipeline of <paramref name="pipelinePath"/> with <paramref name="overrides"/>, from the cache when it has the same bytes.</summary>
    public static async Task<PipelineDefinition> LoadAsync(string pipelinePath, string storePath, IReadOnlyList<string> overrides, CancellationToken cancellationToken)
    {
        var bytes = await PipelineLoader.ReadFileAsync(pipelinePath, cancellationToken).ConfigureAwait(false);
        var file = Path.Combine(storePath, FolderName, Key(bytes, overrides) + ".json");
        if (TryRead(file, pipelinePath) is { } cached)
        {
            return cached;
        }
        var resolved = PipelineResolver.Resolve(PipelineLoader.Parse(PipelineLoader.Decode(bytes), pipelinePath), overrides);
        // Only into an existing store: a dry run of a new workspace leaves nothing behind.
        if (Directory.Exists(storePath))
        {
            TryWrite(file, resolved.ToCanonicalJson());
        }
        return resolved;
    }

    /// <summary>Parses and resolves the file without the cache: what a caller uses to report a problem with its location.</summary>
    public static async Task<PipelineDefinition> LoadUncachedAsync(string pipelinePath, IReadOnlyList<string> overrides, CancellationToken cancellationToken) =>
        PipelineResolver.Resolve(await PipelineLoader.LoadFileAsync(pipelinePath, cancellationToken).ConfigureAwait(false), overrides);

    private static string Key(byte[] pipelineBytes, IReadOnlyList<string> overrides)
    {
        // The build's identity (the module version id changes with every compilation of the
        // parser and resolver), each override, then the file's bytes.
        var header = new StringBuilder(Version).Append('\n')
            .Append(typeof(PipelineLoader).Assembly.ManifestModule.ModuleVersionId.ToString("N")).Append('\n');
        foreach (var item in overrides)
        {
            header.Append(item.Length).Append(':').Append(item).Append('\n');
        }
        var head = Encoding.UTF8.GetBytes(header.Append('\n').ToString());
        var all = new byte[head.Length + pipelineBytes.Length];
        head.CopyTo(all, 0);
        pipelineBytes.CopyTo(all, head.Length);
        return ContentHasher.HashBytes(all).Hex;
    }

    private static PipelineDefinition? TryRead(string file, string pipelinePath)
    {
        try
        {
            return File.Exists(file) ? PipelineDefinition.FromJson(File.ReadAllText(file), pipelinePath) : null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or System.Text.Json.JsonException
                                      or InvalidOperationException or Errors.PipelineException or NullReferenceException or FormatException)
        {
            // A damaged or foreign cache file is not an error: parse the pipeline file instead.
            return null;
        }
    }

    private static void TryWrite(string file, string json)
    {
        var temp = $"{file}.{Environment.ProcessId}.tmp";
        try
        {
            Directory.CreateDirectory(Path.GetDirectoryName(file)!);
            File.WriteAllText(temp, json);
            File.Move(temp, file, overwrite: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Best effort: the next run parses the file again.
            try
            {
                File.Delete(temp);
            }
            catch (Exception cleanup) when (cleanup is IOException or UnauthorizedAccessException)
            {
            }
        }
    }
}
