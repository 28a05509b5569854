using System.Globalization;
using Lockstep.Data.Statistics;
using Lockstep.Errors;
using Lockstep.Storage;

namespace Lockstep.Cli.Commands;

/// <summary>Resolves NAME, NAME@VERSION or a snapshot file path to statistics, for the data commands.</summary>
internal static class DatasetReference
{
    public static async Task<(string Label, DatasetStatistics Stats, DatasetVersion? Entry, string? SnapshotPath)> ResolveAsync(CliSession session, string text, CancellationToken ct)
    {
        if (File.Exists(text) && !text.Contains('@', StringComparison.Ordinal))
        {
            var stats = await StatisticsCollector.ComputeAsync(text, ct).ConfigureAwait(false);
            return (text, stats, null, text);
        }
        var (name, version) = Parse(text);
        var store = await session.OpenStoreAsync(ct).ConfigureAwait(false);
        var entry = await store.Datasets.FindAsync(name, version, ct).ConfigureAwait(false);
        if (entry is null)
        {
            var versions = await store.Datasets.ListVersionsAsync(name, ct).ConfigureAwait(false);
            throw new LockstepException(versions.Count == 0
                ? $"no dataset '{name}' in the catalogue (and no such file); 'lockstep data list' shows the names"
                : $"dataset '{name}' has no version {version}; it has {string.Join(", ", versions.Select(v => v.Version))}");
        }
        var json = await store.Objects.ReadVerifiedAsync(entry.Statistics, ct).ConfigureAwait(false);
        var statistics = DatasetStatistics.FromJson(System.Text.Encoding.UTF8.GetString(json), $"statistics of {entry}");
        var path = await store.Objects.GetVerifiedPathAsync(entry.Snapshot, ct).ConfigureAwait(false);
        return (entry.ToString(), statistics, entry, path);
    }

    private static (string Name, int? Version) Parse(string text)
    {
        var at = text.LastIndexOf('@');
        if (at < 0)
        {
            return (text, null);
        }
        return int.TryParse(text[(at + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out var v) && v > 0
            ? (text[..at], v)
            : throw new ArgumentsException($"'{text}': the version after '@' must be a positive number, e.g. adult@2");
    }
}
