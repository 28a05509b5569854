using Lockstep.Errors;
using Lockstep.Hashing;
using Lockstep.Storage;

namespace Lockstep.Lineage;

/// <summary>
/// Answers lineage both ways from the run records: from any artifact back to every input and
/// step that produced it, and from a data artifact forward to everything built from it.
/// </summary>
public sealed class LineageService
{
    private readonly IMetadataStore _metadata;
    private readonly Dictionary<(string Run, string Step), StepRunRecord> _steps = [];

    public LineageService(IMetadataStore metadata) => _metadata = metadata;

    /// <summary>Resolves a full hash or a unique prefix of a recorded artifact.</summary>
    public async Task<ContentHash> ResolveAsync(string hashOrPrefix, CancellationToken cancellationToken)
    {
        // A full hash goes through the same lookup as a prefix: a hash no run recorded is an
        // error, not an empty lineage.
        if (!ContentHash.IsHexPrefix(hashOrPrefix))
        {
            throw new LockstepException($"'{hashOrPrefix}' is neither a run id nor an artifact hash (or a prefix of 4+ hex digits)");
        }
        var matches = await _metadata.FindArtifactsByPrefixAsync(hashOrPrefix, cancellationToken).ConfigureAwait(false);
        return matches.Count switch
        {
            0 => throw new LockstepException($"no recorded artifact starts with '{hashOrPrefix}'; 'lockstep runs show RUN' lists artifacts"),
            1 => matches[0],
            _ => throw new LockstepException($"'{hashOrPrefix}' is ambiguous: {string.Join(", ", matches.Take(3).Select(m => m.Short))}…; give more digits"),
        };
    }

    /// <summary>Where the artifact came from, down to the external files.</summary>
    public async Task<LineageNode> UpstreamAsync(ContentHash hash, CancellationToken cancellationToken) =>
        await UpstreamAsync(hash, null, new HashSet<ContentHash>(), cancellationToken).ConfigureAwait(false);

    /// <summary>Everything built from the artifact.</summary>
    public async Task<LineageNode> DownstreamAsync(ContentHash hash, CancellationToken cancellationToken) =>
        await DownstreamAsync(hash, null, new HashSet<ContentHash>(), cancellationToken).ConfigureAwait(false);

    private async Task<LineageNode> UpstreamAsync(ContentHash hash, string? label, HashSet<ContentHash> seen, CancellationToken cancellationToken)
    {
        var uses = await _metadata.FindArtifactUsesAsync(hash, cancellationToken).ConfigureAwait(false);
        var size = -1L;
        if (!seen.Add(hash))
        {
            return new LineageNode(hash, size, label, null, []);
        }
        // Prefer the record of the step that actually computed the artifact over cache reuses.
        LineageStep? producer = null;
        StepRunRecord? best = null;
        foreach (var use in uses.Where(u => u.IsOutput))
        {
            var record = await StepAsync(use.RunId, use.StepId, cancellationToken).ConfigureAwait(false);
            if (record is not null && (best is null || (best.Cached && !record.Cached)))
            {
                best = record;
            }
        }
        if (best is not null)
        {
            var output = best.Outputs.First(o => o.Hash == hash);
            size = output.Size;
            var inputs = new List<LineageNode>();
            foreach (var input in best.Inputs)
            {
                inputs.Add(await UpstreamAsync(input.Hash, $"{input.Name} ← {input.Source}", seen, cancellationToken).ConfigureAwait(false) with { Size = input.Size });
            }
            producer = new LineageStep(best.RunId, best.StepId, best.Type, output.Name, best.Cached, inputs);
        }
        else if (uses.FirstOrDefault() is { } any && await StepAsync(any.RunId, any.StepId, cancellationToken).ConfigureAwait(false) is { } consumer)
        {
            size = consumer.Inputs.FirstOrDefault(i => i.Hash == hash)?.Size ?? -1;
        }
        return new LineageNode(hash, size, label, producer, []);
    }

    private async Task<LineageNode> DownstreamAsync(ContentHash hash, string? label, HashSet<ContentHash> seen, CancellationToken cancellationToken)
    {
        if (!seen.Add(hash))
        {
            return new LineageNode(hash, -1, label, null, []);
        }
        var uses = await _metadata.FindArtifactUsesAsync(hash, cancellationToken).ConfigureAwait(false);
        var consumers = new List<LineageStep>();
        var byStep = new HashSet<string>(StringComparer.Ordinal);
        foreach (var use in uses.Where(u => !u.IsOutput))
        {
            var record = await StepAsync(use.RunId, use.StepId, cancellationToken).ConfigureAwait(false);
            if (record is null || record.Status != StepStatus.Succeeded)
            {
                continue;
            }
            // The same step reading the same artifact in many runs yields the same outputs when
            // nothing else changed: list each distinct (step, outputs) once.
            var signature = record.StepId + ":" + string.Join(",", record.Outputs.Select(o => o.Hash.Hex));
            if (!byStep.Add(signature))
            {
                continue;
            }
            var outputs = new List<LineageNode>();
            foreach (var output in record.Outputs)
            {
                outputs.Add(await DownstreamAsync(output.Hash, output.Name, seen, cancellationToken).ConfigureAwait(false) with { Size = output.Size });
            }
            consumers.Add(new LineageStep(record.RunId, record.StepId, record.Type, use.Name, record.Cached, outputs));
        }
        return new LineageNode(hash, -1, label, null, consumers);
    }

    private async Task<StepRunRecord?> StepAsync(string runId, string stepId, CancellationToken cancellationToken)
    {
        if (_steps.TryGetValue((runId, stepId), out var cached))
        {
            return cached;
        }
        foreach (var step in await _metadata.GetStepRunsAsync(runId, cancellationToken).ConfigureAwait(false))
        {
            _steps[(runId, step.StepId)] = step;
        }
        return _steps.GetValueOrDefault((runId, stepId));
    }
}
