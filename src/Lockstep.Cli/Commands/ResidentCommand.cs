using System.CommandLine;
using System.Text.Json.Nodes;
using Lockstep.Cli.Resident;
using Lockstep.Errors;

namespace Lockstep.Cli.Commands;

/// <summary><c>lockstep resident status|stop</c>: the resident processes that answer fully cached runs (docs/resident.md).</summary>
internal static class ResidentCommand
{
    public static Command Create()
    {
        var command = new Command("resident", "The resident processes that answer fully cached 'lockstep run' commands (docs/resident.md): list them, or stop them");
        var status = new Command("status", "List the resident processes of this user and environment's socket folder, and whether runs may use one");
        var stop = new Command("stop", "Stop every resident process in the socket folder (SIGTERM; a run it is answering finishes first)");
        command.Subcommands.Add(status);
        command.Subcommands.Add(stop);
        LockstepCli.SetAction(status, (session, _) =>
        {
            if (OperatingSystem.IsWindows())
            {
                throw NotOnWindows();
            }
            var folder = RequireFolder();
            var found = ResidentServer.List(folder);
            if (session.Json)
            {
                session.WriteJson(new JsonObject
                {
                    ["enabled"] = ResidentEndpoint.Enabled(),
                    ["folder"] = folder,
                    ["processes"] = new JsonArray(found.Select(p => (JsonNode)new JsonObject { ["pid"] = p.Pid, ["socket"] = p.Socket, ["since"] = p.Since }).ToArray()),
                });
                return Task.FromResult(0);
            }
            session.Out.WriteLine($"resident processes are {(ResidentEndpoint.Enabled() ? "on" : "off")} for runs in this environment (LOCKSTEP_RESIDENT; off under CI); socket folder {folder}");
            foreach (var p in found)
            {
                session.Out.WriteLine($"  pid {p.Pid}, listening since {p.Since:yyyy-MM-dd HH:mm:ss}Z at {p.Socket}");
            }
            session.Out.WriteLine(found.Count == 0 ? "no resident process is running" : $"{found.Count} resident process(es)");
            return Task.FromResult(0);
        });
        LockstepCli.SetAction(stop, async (session, ct) =>
        {
            if (OperatingSystem.IsWindows())
            {
                throw NotOnWindows();
            }
            var folder = RequireFolder();
            var stopped = await ResidentServer.StopAllAsync(folder, ct).ConfigureAwait(false);
            if (session.Json)
            {
                session.WriteJson(new JsonObject { ["folder"] = folder, ["stopped"] = new JsonArray(stopped.Select(p => (JsonNode)p).ToArray()) });
            }
            else
            {
                session.Out.WriteLine(stopped.Count == 0 ? "no resident process was running" : $"stopped {stopped.Count} resident process(es): pid {string.Join(", ", stopped)}");
            }
            return 0;
        });
        return command;
    }

    private static LockstepException NotOnWindows() => new("resident processes are not available on Windows: every run starts in its own process");

    private static string RequireFolder() => ResidentEndpoint.Folder() ?? throw new LockstepException("no folder for resident sockets: set HOME, XDG_RUNTIME_DIR or LOCKSTEP_RESIDENT_DIR");
}
