namespace Lockstep.Cli.Commands;

/// <summary>
/// Checks a command's output path before the command does any work, so a mistyped folder fails at
/// once with what to do, instead of after a whole file was scored and logged, and with the name the
/// user typed instead of the temporary file written beside it.
/// </summary>
internal static class OutputFile
{
    /// <summary>
    /// The full path of <paramref name="destination"/>. Throws <see cref="ArgumentsException"/> when
    /// it names a folder or when its folder does not exist.
    /// </summary>
    public static string Check(string destination, string option = "--output")
    {
        var full = Path.GetFullPath(destination);
        if (Directory.Exists(full))
        {
            throw new ArgumentsException($"{option} '{destination}' is a folder; name the file to write inside it");
        }
        var folder = Path.GetDirectoryName(full);
        if (folder is not null && !Directory.Exists(folder))
        {
            throw new ArgumentsException($"the folder of {option} '{destination}' does not exist ({folder}); create it first or choose another path");
        }
        return full;
    }
}
