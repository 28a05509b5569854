using System.CommandLine;
using System.Globalization;
using System.Text.Json.Nodes;
using Lockstep.Errors;
using Lockstep.Hashing;
using Lockstep.ML;
using Lockstep.ML.Bundles;
using Lockstep.Storage;
using Spectre.Console;

namespace Lockstep.Cli.Commands;

/// <summary><c>lockstep bundle inspect FILE|NAME@ALIAS</c>: everything a model bundle holds, after checking its hashes.</summary>
internal static class BundleCommand
{
    public static Command Create()
    {
        var bundle = new Command("bundle", "Work with model bundles");
        var target = new Argument<string>("bundle") { Description = "A bundle file, or a registered model (NAME, NAME@VERSION, NAME@ALIAS) in this workspace's store" };
        var inspect = new Command("inspect", "Show a model bundle's entries and hashes, environment lock (and how it differs from here), lineage, metrics, profile, preprocessing, input schema and example");
        inspect.Arguments.Add(target);
        LockstepCli.SetAction(inspect, async (session, ct) =>
        {
            var text = session.Parse.GetValue(target)!;
            var (path, label) = await ResolveAsync(session, text, ct).ConfigureAwait(false);
            var bytes = await File.ReadAllBytesAsync(path, ct).ConfigureAwait(false);
            var b = ModelBundle.FromBytes(bytes, label);
            var differences = b.Environment.DifferencesFrom(EnvironmentLock.Current(packages: false));
            if (session.Json)
            {
                var doc = new JsonObject
                {
                    ["file"] = label,
                    [ContentHasher.Algorithm] = ContentHasher.HashBytes(bytes).Hex,
                    ["size"] = bytes.LongLength,
                    ["format_version"] = b.Version,
                    ["hashes_ok"] = true,
                    ["environment_differences"] = new JsonArray(differences.Select(d => (JsonNode)d).ToArray()),
                    ["entries"] = new JsonArray(b.Entries.Select(e => (JsonNode)new JsonObject { ["name"] = e.Key, ["size"] = e.Value.LongLength, [ContentHasher.Algorithm] = ContentHasher.HashBytes(e.Value).Hex }).ToArray()),
                };
                foreach (var name in BundleEntries.Ordered.Where(n => n.EndsWith(".json", StringComparison.Ordinal)))
                {
                    doc[name[..^5]] = b.Entry(name)?.DeepClone();
                }
                if (b.Ensemble is not null)
                {
                    doc["ensemble"] = b.Entry(BundleEntries.Ensemble)?.DeepClone();
                }
                session.WriteJson(doc);
                return 0;
            }
            var c = session.Console;
            c.MarkupLine($"[bold]{Markup.Escape(label)}[/]  {ContentHasher.Algorithm} {ContentHasher.HashBytes(bytes).Short}…  {bytes.LongLength.ToString("N0", CultureInfo.InvariantCulture)} bytes  format {b.Version}  [green]every entry's hash matches[/]");
            var entries = new Table().Border(TableBorder.Simple).AddColumns("entry", "bytes", ContentHasher.Algorithm);
            foreach (var (name, content) in b.Entries)
            {
                entries.AddRow(name, content.LongLength.ToString("N0", CultureInfo.InvariantCulture), ContentHasher.HashBytes(content).Short + "…");
            }
            c.Write(entries);
            var env = b.Environment;
            c.Write(new Rule("environment lock").LeftJustified());
            c.WriteLine($"runtime {env.Runtime}, {env.Os}/{env.Arch}; components: {string.Join(", ", env.Components.Select(p => $"{p.Key} {p.Value}"))}; {env.Packages.Count} packages recorded");
            c.MarkupLine(differences.Count == 0 ? "[green]matches this process: it would load[/]" : "[red]differs from this process; loading is refused without the override:[/]\n" + Markup.Escape(string.Join("\n", differences.Select(d => "  - " + d))));
            if (b.Ensemble is { } ensemble)
            {
                Ensemble(c, ensemble);
            }
            Section(c, "lineage", b.Entry(BundleEntries.Lineage));
            Section(c, "metrics", b.Entry(BundleEntries.Metrics));
            Section(c, "profile", b.Entry(BundleEntries.Profile));
            var prep = b.Preprocessing;
            c.Write(new Rule($"preprocessing: {prep.Label.Task} on '{Markup.Escape(prep.Label.Column)}', {prep.FeatureNames.Count} features from {prep.Features.Count} columns").LeftJustified());
            var features = new Table().Border(TableBorder.Simple).AddColumns("column", "kind", "slots", "fitted");
            foreach (var f in prep.Features)
            {
                features.AddRow(Markup.Escape(f.Column), f.Kind, $"{f.Offset}..{f.Offset + f.Width - 1}", Markup.Escape(Fitted(f)));
            }
            c.Write(features);
            if (prep.Label.Classes is { } classes)
            {
                c.WriteLine($"classes: {string.Join(", ", classes)}{(prep.Label.PositiveClass is { } p ? $" (positive: {p})" : "")}");
            }
            Section(c, "input example", b.Entry(BundleEntries.Example));
            return 0;
        });
        bundle.Subcommands.Add(inspect);
        return bundle;
    }

    private static async Task<(string Path, string Label)> ResolveAsync(CliSession session, string text, CancellationToken ct)
    {
        if (File.Exists(text))
        {
            return (text, text);
        }
        if (!ModelReference.TryParse(text, out var reference))
        {
            throw new LockstepException($"{text}: no such file; give a bundle file or a registered model such as adult@production");
        }
        await using var store = await session.OpenStoreAsync(ct).ConfigureAwait(false);
        var version = await store.Models.FindAsync(reference, ct).ConfigureAwait(false)
            ?? throw new LockstepException($"{text}: no such file, and the store has no model {reference}");
        var path = await store.Objects.GetVerifiedPathAsync(version.BundleHash, ct).ConfigureAwait(false);
        var copy = Path.Combine(Path.GetTempPath(), $"lockstep-bundle-{version.BundleHash.Short}.zip");
        File.Copy(path, copy, overwrite: true);
        return (copy, $"{version} (bundle {version.BundleHash.Short}, run {version.RunId})");
    }

    private static string Fitted(ML.Features.FeatureManifest f) => f.Kind switch
    {
        "numeric" => $"impute {f.Impute} = {f.ImputeValue?.ToString("G6", CultureInfo.InvariantCulture)}{(f.MissingIndicator ? " + missing flag" : "")}, scale {f.Scale}",
        "categorical" => $"{f.Encoding}, {f.Categories!.Count} categories ({string.Join(", ", f.Categories.Take(6))}{(f.Categories.Count > 6 ? ", …" : "")}) + missing + unknown{(f.FoldedRare is { Count: > 0 } r ? $", {r.Count} rare folded" : "")}",
        _ => $"tf-idf, vocabulary {f.Vocabulary!.Count} (word {f.WordNgrams}-grams, char {f.CharNgrams}-grams)",
    };

    /// <summary>The members (trial, trainer, hyperparameters, hash, tune score) and the combiner with its fitted weights.</summary>
    private static void Ensemble(IAnsiConsole console, Lockstep.ML.Ensembles.EnsembleManifest ensemble)
    {
        console.Write(new Rule($"ensemble: {ensemble.Method} of {ensemble.Members.Count} members").LeftJustified());
        var members = new Table().Border(TableBorder.Simple).AddColumns("#", "entry", "trainer", "hyperparameters", ContentHasher.Algorithm, "trial", "tune score");
        for (var i = 0; i < ensemble.Members.Count; i++)
        {
            var m = ensemble.Members[i];
            members.AddRow(
                (i + 1).ToString(CultureInfo.InvariantCulture), m.Entry, m.Trainer,
                Markup.Escape(string.Join(", ", m.Hyperparameters.Select(h => $"{h.Key}={h.Value.ToString("G6", CultureInfo.InvariantCulture)}"))),
                m.Blake3[..Math.Min(12, m.Blake3.Length)] + "…",
                m.Trial?.ToString(CultureInfo.InvariantCulture) ?? "",
                m.Score?.ToString("0.#####", CultureInfo.InvariantCulture) ?? "");
        }
        console.Write(members);
        var combiner = ensemble.Combiner;
        static string Numbers(IEnumerable<double> values) => "[" + string.Join(", ", values.Select(v => v.ToString("G6", CultureInfo.InvariantCulture))) + "]";
        console.WriteLine($"combiner: {combiner.Kind} of each member's {combiner.Input}; bias {Numbers(combiner.Bias)}");
        foreach (var row in combiner.Weights)
        {
            console.WriteLine($"  weights {Numbers(row)}");
        }
    }

    private static void Section(IAnsiConsole console, string title, JsonNode? node)
    {
        console.Write(new Rule(title).LeftJustified());
        console.WriteLine(node?.ToJsonString(MLJson.Options) ?? "(none)");
    }
}
