using System.CommandLine;
using Lockstep.Cli.Commands;
using Lockstep.Errors;

namespace Lockstep.Cli;

/// <summary>The <c>lockstep</c> command: its command tree and the error boundary every action runs in.</summary>
public static class LockstepCli
{
    /// <summary>Exit code for a failure that is Lockstep's fault, not the user's.</summary>
    public const int InternalError = 70;

    public static async Task<int> RunAsync(string[] args, TextWriter output, TextWriter error)
    {
        var root = new RootCommand("Lockstep: reproducible machine-learning pipelines for .NET. Run 'lockstep init' in an empty folder to start.");
        root.Options.Add(GlobalOptions.Workspace);
        root.Options.Add(GlobalOptions.Json);
        foreach (var command in Commands(Program.CommandName(args)))
        {
            root.Subcommands.Add(command);
        }
        var parse = root.Parse(args);
        using var cancel = new CancellationTokenSource();
        ConsoleCancelEventHandler onCancel = (_, e) =>
        {
            e.Cancel = true;
            cancel.Cancel();
        };
        Console.CancelKeyPress += onCancel;
        try
        {
            var code = await parse.InvokeAsync(new InvocationConfiguration { Output = output, Error = error, EnableDefaultExceptionHandler = false }, cancel.Token).ConfigureAwait(false);
            // System.CommandLine answers a line it cannot parse (unknown option, missing argument, a
            // value of the wrong type) with 1; Lockstep's convention is 2 for wrong arguments (README-CLI.md).
            return parse.Errors.Count > 0 && code == 1 ? 2 : code;
        }
        finally
        {
            Console.CancelKeyPress -= onCancel;
        }
    }

    /// <summary>Every command, by the word that names it, in the order help lists them.</summary>
    private static readonly (string Name, Func<Command> Create)[] All =
    [
        ("init", InitCommand.Create),
        ("run", RunCommand.Create),
        ("runs", RunsCommand.Create),
        ("lineage", LineageCommand.Create),
        ("artifacts", ArtifactsCommand.Create),
        ("diff", DiffCommand.Create),
        ("reproduce", ReproduceCommand.Create),
        ("verify", VerifyCommand.Create),
        ("gc", GcCommand.Create),
        ("steps", StepsCommand.Create),
        ("data", DataCommand.Create),
        ("bundle", BundleCommand.Create),
        ("models", ModelsCommand.Create),
        ("serve", ServeCommand.Create),
        ("predict", PredictCommand.Create),
        ("predictions", PredictionsCommand.Create),
        ("resident", ResidentCommand.Create),
    ];

    /// <summary>
    /// The commands the command line needs: only the one it names when it names one (System.CommandLine
    /// parses a command's tokens against that command and the root alone, so its siblings change
    /// nothing), every command otherwise (root help, a mistyped command's suggestions). Building all
    /// sixteen with their options, and loading the assemblies their option types live in, was
    /// ≈ 12 ms of every cached `lockstep run` (bench/core/RESULTS-core.md, session 5).
    /// </summary>
    internal static List<Command> Commands(string? name)
    {
        var commands = new List<Command>();
        foreach (var (commandName, create) in All)
        {
            if (commandName == name)
            {
                return [create()];
            }
        }
        foreach (var (_, create) in All)
        {
            commands.Add(create());
        }
        return commands;
    }

    /// <summary>
    /// Wraps a command's action: opens a session, maps Lockstep's failures to their message and
    /// exit code, and anything unexpected to a short internal-error line (the stack trace only
    /// with LOCKSTEP_DEBUG=1).
    /// </summary>
    internal static void SetAction(Command command, Func<CliSession, CancellationToken, Task<int>> action) =>
        command.SetAction(async (parse, cancellationToken) =>
        {
            var output = parse.InvocationConfiguration.Output;
            var error = parse.InvocationConfiguration.Error;
            await using var session = new CliSession(parse, output, error);
            try
            {
                return await action(session, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception) when (Resident.ResidentContext.Current is { RunStarted: false } resident)
            {
                // In the resident process, before any record: the client runs the command itself and reports this.
                return resident.Decline("the command failed before its run started");
            }
            catch (LockstepException e)
            {
                await error.WriteLineAsync("error: " + e.Message).ConfigureAwait(false);
                return e.ExitCode;
            }
            catch (Microsoft.Data.Sqlite.SqliteException e)
            {
                // The store's database failed under a command (damaged, full disk, read-only):
                // a store error with what to do, not a bug report. Sources a pipeline reads
                // wrap their own SQLite errors (Data's SqliteRecordSource).
                var failure = Stores.Sqlite.StoreFailure.From(e, session.StoreDatabasePath ?? "of this workspace");
                await error.WriteLineAsync("error: " + failure.Message).ConfigureAwait(false);
                return failure.ExitCode;
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                await error.WriteLineAsync("cancelled").ConfigureAwait(false);
                return 130;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                await error.WriteLineAsync($"error: {e.Message}").ConfigureAwait(false);
                return 1;
            }
            catch (Exception e)
            {
                var debug = Environment.GetEnvironmentVariable("LOCKSTEP_DEBUG") == "1";
                await error.WriteLineAsync($"internal error: {e.GetType().Name}: {e.Message}. This is a bug in Lockstep; please report it{(debug ? "" : " (set LOCKSTEP_DEBUG=1 for details)")}.").ConfigureAwait(false);
                if (debug)
                {
                    await error.WriteLineAsync(e.ToString()).ConfigureAwait(false);
                }
                return InternalError;
            }
        });
}
