namespace Lockstep.Serving.Http;

/// <summary>How <see cref="ModelServer"/> binds, authenticates and limits requests.</summary>
public sealed record ServerOptions
{
    /// <summary>Address to bind; loopback unless the user says otherwise.</summary>
    public string Host { get; init; } = "127.0.0.1";

    /// <summary>Port; 0 picks a free one (see <see cref="ModelServer.Address"/>).</summary>
    public int Port { get; init; } = 8080;

    /// <summary>Accepted API keys; empty means no authentication.</summary>
    public IReadOnlyList<string> ApiKeys { get; init; } = [];

    /// <summary>Allows a non-loopback bind without API keys.</summary>
    public bool AllowUnauthenticated { get; init; }

    public long MaxBodyBytes { get; init; } = 1 << 20;

    public int MaxBatchRows { get; init; } = 1000;

    /// <summary>JSON nesting limit: an array of flat objects needs 2.</summary>
    public int MaxDepth { get; init; } = 4;

    public ValidationPolicy Policy { get; init; } = ValidationPolicy.Reject;

    /// <summary>How often a movable source (an alias) is polled for a new version.</summary>
    public TimeSpan PollInterval { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>Log to the console (the CLI turns this on; tests keep it quiet).</summary>
    public bool ConsoleLogging { get; init; }
}
