using System.CommandLine;
using System.Text.Json;
using System.Text.Json.Nodes;
using Lockstep.Pipelines;
using Lockstep.Steps;
using Lockstep.Stores.Sqlite;
using Lockstep.Workspaces;
using Spectre.Console;

namespace Lockstep.Cli;

/// <summary>
/// What a command's action works with: the parsed options, output writers, the workspace and its
/// store (opened on first use and closed at the end of the command).
/// </summary>
internal sealed class CliSession : IAsyncDisposable
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
    private Workspace? _workspace;
    private EmbeddedStore? _store;
    private Task? _closing;
    // Not a Lazy<IAnsiConsole>: constructing that instantiation loads Spectre.Console on the main
    // thread in every command, a text `run` included, which makes its console on the second core.
    private readonly Lock _consoleGate = new();
    private IAnsiConsole? _console;
    private readonly Task _spectreLoaded;

    public CliSession(ParseResult parse, TextWriter output, TextWriter error)
    {
        Parse = parse;
        Out = output;
        Err = error;
        Json = parse.GetValue(GlobalOptions.Json);
        Interactive = ReferenceEquals(output, System.Console.Out) && !System.Console.IsOutputRedirected && !Json;
        _spectreLoaded = Task.Run(LoadSpectre);
    }

    // Its own method, so that the type reference (and the assembly load) happens on the pool thread.
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    private static void LoadSpectre() => _ = typeof(IAnsiConsole).Assembly;

    /// <summary>
    /// Waits until Spectre.Console is loaded (on a pool thread since the session began). A run's
    /// environment record lists the assemblies loaded when the run starts, and every command loaded
    /// Spectre.Console on the main thread before it started the run; a command calls this before it
    /// starts one, so the record stays the same without that load on the main thread.
    /// </summary>
    public void WaitForSpectre() => _spectreLoaded.GetAwaiter().GetResult();

    /// <summary>The Spectre console over <paramref name="output"/>: detected capabilities at a terminal, plain 160 columns otherwise.</summary>
    internal static IAnsiConsole CreateConsole(TextWriter output, bool interactive)
    {
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(output),
            Ansi = interactive ? AnsiSupport.Detect : AnsiSupport.No,
            ColorSystem = interactive ? ColorSystemSupport.Detect : ColorSystemSupport.NoColors,
            Interactive = interactive ? InteractionSupport.Detect : InteractionSupport.No,
        });
        if (!interactive)
        {
            // The resident process answering a command at a terminal lays its table out for that terminal.
            console.Profile.Width = Resident.ResidentContext.Current is { TerminalWidth: > 0 } resident ? resident.TerminalWidth : 160;
        }
        return console;
    }

    /// <summary>The database file of the store this session opened, if it opened one.</summary>
    internal string? StoreDatabasePath => _store?.Database.Path;

    public ParseResult Parse { get; }
    public TextWriter Out { get; }
    public TextWriter Err { get; }
    public bool Json { get; }
    /// <summary>A person at a terminal: progress displays and colour are allowed.</summary>
    public bool Interactive { get; }
    /// <summary>
    /// The Spectre console, created on first use: loading Spectre.Console and detecting the
    /// terminal's profile took ≈ 4 ms of every command, and a command that prints JSON or plain
    /// lines never needs it. <see cref="PrepareConsole"/> creates it on the second core ahead of use.
    /// </summary>
    public IAnsiConsole Console
    {
        get
        {
            lock (_consoleGate)
            {
                return _console ??= CreateConsole(Out, Interactive);
            }
        }
    }

    /// <summary>Creates <see cref="Console"/> on a pool thread while the caller works on (thread-safe: a caller that needs it first waits for it).</summary>
    /// <remarks>Not <c>Task.Run(() => Console)</c>: a <c>Task&lt;IAnsiConsole&gt;</c> made here would load Spectre.Console on the caller's thread.</remarks>
    public void PrepareConsole() => _ = Task.Run(TouchConsole);

    private void TouchConsole() => _ = Console;

    public Workspace Workspace => _workspace ??= Workspace.Find(
        Parse.GetValue(GlobalOptions.Workspace),
        Resident.ResidentContext.Current?.WorkingDirectory ?? Directory.GetCurrentDirectory());

    public async Task<EmbeddedStore> OpenStoreAsync(CancellationToken cancellationToken, bool create = false) =>
        _store ??= await EmbeddedStore.OpenAsync(Workspace.StorePath, create, cancellationToken).ConfigureAwait(false);

    /// <summary>The step types available to the workspace's pipeline: built-in ones plus its plugins.</summary>
    public static StepTypeRegistry Registry(PipelineDefinition? pipeline, string workspaceRoot)
    {
        var registry = BuiltInSteps.Create();
        foreach (var plugin in pipeline?.Plugins ?? [])
        {
            registry.LoadPlugin(Path.Combine(workspaceRoot, plugin));
        }
        return registry;
    }

    public void WriteJson(JsonNode node) => Out.WriteLine(node.ToJsonString(Indented));

    /// <summary>
    /// Starts closing the store on a pool thread (for SQLite, the WAL checkpoint of the last
    /// connection's close: ≈ 3 ms, more when the disk is busy) while the caller prints what it
    /// has; the caller must not use the store afterwards. <see cref="DisposeAsync"/> waits for it.
    /// </summary>
    public void CloseStoreInBackground()
    {
        if (_store is { } store && _closing is null)
        {
            _closing = Task.Run(() => store.DisposeAsync().AsTask());
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_closing is not null)
        {
            // Waited for on this thread, not awaited: a suspension here JIT-compiles the state
            // machine boxes of every async frame above (bench/core/RESULTS-core.md, session 6).
            _closing.GetAwaiter().GetResult();
        }
        else if (_store is not null)
        {
            await _store.DisposeAsync().ConfigureAwait(false);
        }
    }
}
