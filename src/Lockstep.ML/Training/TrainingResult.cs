using Lockstep.ML.Bundles;
using Lockstep.ML.Features;

namespace Lockstep.ML.Training;

/// <summary>What <see cref="ModelBuilder"/> produced: the fitted preprocessing, the model and the bundle holding both.</summary>
public sealed record TrainingResult(PreprocessingManifest Preprocessing, TrainedModel Model, ModelBundle Bundle, float[][] TrainingFeatures);
