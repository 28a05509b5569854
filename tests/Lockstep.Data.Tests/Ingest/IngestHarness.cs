using System.Text;
using Lockstep.Data.Ingest;
using Lockstep.Data.Snapshots;
using Lockstep.Data.Tables;

namespace Lockstep.Data.Tests.Ingest;

/// <summary>Ingests text or bytes from a temp file and returns what came out.</summary>
internal sealed class IngestHarness : IDisposable
{
    private readonly TempFolder _tmp = new();

    public string SnapshotPath => _tmp.File("snapshot.parquet");

    public string RejectsPath => _tmp.File("rejects.jsonl");

    public string Folder => _tmp.Path;

    public string WriteFile(string name, byte[] bytes) => _tmp.Write(name, bytes);

    public Task<IngestResult> Run(string text, IngestOptions? options = null, string name = "input.csv") =>
        Run(Encoding.UTF8.GetBytes(text), options, name);

    public Task<IngestResult> Run(byte[] bytes, IngestOptions? options = null, string name = "input.csv")
    {
        var path = _tmp.Write(name, bytes);
        return Ingestor.IngestFileAsync(path, options ?? new IngestOptions(), SnapshotPath, RejectsPath, _tmp.Path, null, CancellationToken.None, name);
    }

    public Task<Table> Snapshot() => SnapshotFile.ReadAsync(SnapshotPath, CancellationToken.None);

    public string[] Rejects() => File.ReadAllLines(RejectsPath);

    public void Dispose() => _tmp.Dispose();
}
