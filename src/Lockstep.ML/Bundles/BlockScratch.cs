namespace Lockstep.ML.Bundles;

/// <summary>One scorer's reusable buffers for block scoring (<see cref="LoadedModel.RunBlock"/>).</summary>
internal sealed class BlockScratch
{
    public float[] Scores { get; private set; } = [];

    public float[] Probabilities { get; private set; } = [];

    public bool[] Ok { get; private set; } = [];

    public void Ensure(int rows)
    {
        if (Scores.Length < rows)
        {
            Scores = new float[rows];
            Probabilities = new float[rows];
            Ok = new bool[rows];
        }
    }
}
