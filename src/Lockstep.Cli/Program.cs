namespace Lockstep.Cli;

internal static class Program
{
    public static Task<int> Main(string[] args) => LockstepCli.RunAsync(args, Console.Out, Console.Error);
}
