namespace Lockstep.Cli.Commands;

/// <summary>
/// Checks a command's output path before the command's work (scoring, exporting, copying), so a
/// mistyped folder fails at once with what to do, and with the name the user typed instead of the
/// temporary file written beside it.
/// </summary>
internal static class OutputFile
{
    /// <summary>
    /// The full path of <paramref name="destination"/>. Throws <see cref="ArgumentsException"/> when
    /// it names a folder or when its folder does not exist.
    /// </summary>
    /// <param name="destination">The path as the user typed it (named in the messages).</param>
    /// <param name="suggestedName">A file name to suggest inside the folder when the path is one.</param>
    public static string Check(string destination, string? suggestedName = null)
    {
        var full = Path.GetFullPath(destination);
        if (Directory.Exists(full))
        {
            throw new ArgumentsException(suggestedName is null
                ? $"--output '{destination}' is a folder; name the file to write inside it"
                : $"--output '{destination}' is a folder; name the file to write, e.g. -o {Path.Combine(destination, suggestedName)}");
        }
        var folder = Path.GetDirectoryName(full);
        if (folder is not null && !Directory.Exists(folder))
        {
            throw new ArgumentsException($"the folder of --output '{destination}' does not exist ({folder}); create it first or choose another path");
        }
        return full;
    }
}
