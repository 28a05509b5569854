namespace Lockstep.Serving.Scoring;

/// <summary>
/// The model currently served. A request reads <see cref="Current"/> once and uses that
/// instance to the end, so a swap never fails or mixes versions within a request.
/// </summary>
public sealed class ModelHolder
{
    private volatile IScoringModel? _current;

    public IScoringModel? Current => _current;

    /// <summary>Last verification failure of a candidate that was refused, or null.</summary>
    public string? LastRefusal { get; private set; }

    public void Swap(IScoringModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        _current = model;
        LastRefusal = null;
    }

    public void Refused(string reason) => LastRefusal = reason;
}
