namespace Lockstep.Cli;

internal static class Program
{
    public static Task<int> Main(string[] args)
    {
        Diagnostics.PhaseTrace.Mark("main");
        return LockstepCli.RunAsync(args, Console.Out, Console.Error);
    }
}
