namespace Lockstep.Cli;

internal static class Program
{
    public static async Task<int> Main(string[] args)
    {
        Diagnostics.PhaseTrace.Mark("main");
        var code = await LockstepCli.RunAsync(args, Console.Out, Console.Error).ConfigureAwait(false);
        Diagnostics.PhaseTrace.Mark("command finished, store closed");
        return code;
    }
}
