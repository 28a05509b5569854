using Microsoft.ML.Data;

// ML.NET's row classes: plain mutable fields, as its data loading expects. They are grouped in one
// file because each is two fields and they only make sense together.
#pragma warning disable CA1051, CA1819
namespace Lockstep.ML.Training;

internal sealed class BinaryTrainRow
{
    public bool Label;
    public float[] Features = [];
}

internal sealed class FloatTrainRow
{
    public float Label;
    public float[] Features = [];
}

internal sealed class KeyTrainRow
{
    public uint Label;
    public float[] Features = [];
}

internal sealed class FeatureInput
{
    public float[] Features = [];
}

internal sealed class BinaryOutput
{
    public float Score;
    public float Probability;
    public bool PredictedLabel;
}

internal sealed class RegressionOutput
{
    public float Score;
}

internal sealed class MulticlassOutput
{
    [ColumnName("Score")]
    public float[] Score = [];
    public uint PredictedLabel;
}
#pragma warning restore CA1051, CA1819
