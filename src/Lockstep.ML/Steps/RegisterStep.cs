using System.Text.Json.Nodes;
using Lockstep.ML.Bundles;
using Lockstep.Steps;
using Lockstep.Storage;

namespace Lockstep.ML.Steps;

/// <summary>
/// Adds the bundle to the model registry as the next version of a named model (the same bundle
/// registered again keeps its version), recording the run id, the lineage and the metrics; with
/// 'alias' it also moves that alias to the version. Put it after a gate (read the gate's verdict as
/// an input) so that a failed gate stops it.
/// </summary>
public sealed class RegisterStep : IStepType
{
    public StepSignature Signature { get; } = new()
    {
        Type = "register",
        Description = "Registers the bundle as a new version of a named model, optionally moving an alias (e.g. staging) to it.",
        Inputs =
        [
            new InputSpec("bundle", true, "the model bundle (from evaluate, with metrics)"),
            new InputSpec("metrics", false, "evaluation metrics to record with the version"),
            new InputSpec("profile", false, "the measured profile to record with the version"),
            new InputSpec("gate", false, "the gate's verdict; makes registration wait for (and depend on) the gate"),
        ],
        Outputs = [new OutputSpec("registration", "the model name, version and bundle hash (JSON)")],
        Parameters =
        [
            ParameterSpec.Req("name", ParameterKind.String, "the model name, e.g. adult-income"),
            ParameterSpec.Opt("alias", ParameterKind.String, null, "an alias to move to the new version, e.g. staging"),
            ParameterSpec.Opt("reason", ParameterKind.String, null, "why, recorded with the alias move"),
        ],
    };

    public IEnumerable<Lockstep.Errors.PipelineProblem> Validate(Lockstep.Pipelines.StepDeclaration step, StepParameters parameters)
    {
        if (parameters.GetStringOrNull("name") is { } name && !ModelReference.IsValidName(name))
        {
            yield return new(parameters.LocationOf("name"), $"register step '{step.Id}': '{name}' is not a valid model name; use letters, digits, '.', '_' or '-'");
        }
        if (parameters.GetStringOrNull("alias") is { } alias && !ModelReference.IsValidAlias(alias))
        {
            yield return new(parameters.LocationOf("alias"), $"register step '{step.Id}': '{alias}' is not a valid alias; use letters, digits, '.', '_' or '-', starting with a letter");
        }
    }

    public async Task ExecuteAsync(StepContext context, CancellationToken cancellationToken)
    {
        var bundleInput = context.Input("bundle");
        var bundle = await ModelBundle.ReadAsync(bundleInput.Path, cancellationToken).ConfigureAwait(false);
        var metricFiles = new[] { "metrics", "profile" }.Where(context.Inputs.ContainsKey).Select(n => context.Input(n).Path);
        var metrics = await MetricDocuments.ReadAsync(metricFiles, cancellationToken).ConfigureAwait(false);
        MetricDocuments.Flatten(bundle.Metrics, metrics);
        var lineage = bundle.Entry(BundleEntries.Lineage)!.AsObject();
        lineage["run_id"] = context.RunId;
        lineage["register_step"] = context.StepId;
        lineage["bundle_input"] = bundleInput.Source;
        var name = context.Parameters.GetString("name");
        var user = Environment.UserName;
        var version = await context.Store.Models.RegisterAsync(
            new ModelRegistration(name, bundleInput.Hash, context.RunId, context.StepId, lineage.ToJsonString(), MetricDocuments.ToJson(metrics).ToJsonString(), user),
            cancellationToken).ConfigureAwait(false);
        context.Log.WriteLine($"registered {version} (bundle {bundleInput.Hash.Short}, run {version.RunId})");
        if (context.Parameters.GetStringOrNull("alias") is { } alias)
        {
            var reason = context.Parameters.GetStringOrNull("reason") ?? $"registered by run {context.RunId}, step {context.StepId}";
            var move = await context.Store.Models.MoveAliasAsync(name, alias, version.Version, user, reason, cancellationToken).ConfigureAwait(false);
            context.Log.WriteLine($"moved {name}@{alias} from {move.FromVersion?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "(none)"} to {version.Version}");
        }
        context.SetMetric("version", version.Version);
        var registration = new JsonObject { ["name"] = name, ["version"] = version.Version, ["bundle"] = bundleInput.Hash.Hex };
        await File.WriteAllBytesAsync(context.OutputPath("registration"), MLJson.ToBytes(registration), cancellationToken).ConfigureAwait(false);
    }
}
