namespace Lockstep.Cli.Tests.Infrastructure;

/// <summary>A fresh workspace folder under the system temp folder, deleted when the test ends.</summary>
internal sealed class TempWorkspace : IDisposable
{
    public TempWorkspace(string? pipelineYaml = null)
    {
        Root = Path.Combine(Path.GetTempPath(), "lockstep-cli-tests", Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(Root);
        if (pipelineYaml is not null)
        {
            WritePipeline(pipelineYaml);
        }
    }

    public string Root { get; }

    public string Store => Path.Combine(Root, ".lockstep");

    public string PipelinePath => Path.Combine(Root, "lockstep.yaml");

    public void WritePipeline(string yaml) => File.WriteAllText(PipelinePath, yaml);

    public void WriteFile(string relative, string text)
    {
        var path = Path.Combine(Root, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, text);
    }

    public Task<CliResult> RunAsync(params string[] arguments) => LockstepProcess.RunAsync(Root, arguments);

    /// <summary>A workspace whose pipeline has one command step copying input.txt ("hello") to its output.</summary>
    public static TempWorkspace WithOneCopyStep(string name)
    {
        var ws = new TempWorkspace($$"""
            name: {{name}}
            steps:
              - id: copy
                type: command
                inputs: {src: input.txt}
                outputs: [out]
                params: {run: "cat ${inputs.src} > ${outputs.out}"}
            """);
        ws.WriteFile("input.txt", "hello\n");
        return ws;
    }

    /// <summary>A copy of examples/plugin-step: its pipeline, its poem and its prebuilt plugin library.</summary>
    public static TempWorkspace WithExamplePlugin()
    {
        var ws = new TempWorkspace();
        var example = RepositoryPaths.Example("plugin-step");
        File.Copy(Path.Combine(example, "lockstep.yaml"), ws.PipelinePath);
        File.Copy(Path.Combine(example, "poem.txt"), Path.Combine(ws.Root, "poem.txt"));
        Directory.CreateDirectory(Path.Combine(ws.Root, "plugin"));
        File.Copy(Path.Combine(example, "plugin", "Lockstep.Examples.PluginStep.dll"), Path.Combine(ws.Root, "plugin", "Lockstep.Examples.PluginStep.dll"));
        return ws;
    }

    /// <summary>The file that holds a stored object.</summary>
    public string ObjectPath(string hashHex) => Path.Combine(Store, "objects", hashHex[..2], hashHex[2..]);

    /// <summary>Flips one bit of a stored (read-only) object in place, as disk rot or a stray edit would.</summary>
    public void FlipByte(string hashHex, int offset = 0)
    {
        var path = ObjectPath(hashHex);
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        var bytes = File.ReadAllBytes(path);
        bytes[offset] ^= 0x01;
        File.WriteAllBytes(path, bytes);
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
            // an orphaned command of a killed run may still be writing; the temp folder is cleaned by the OS
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
