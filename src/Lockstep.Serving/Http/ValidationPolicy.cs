namespace Lockstep.Serving.Http;

/// <summary>What the server does with a row that fails validation.</summary>
public enum ValidationPolicy
{
    /// <summary>Answer 400 with problem details naming each field; nothing is scored.</summary>
    Reject,

    /// <summary>Score anyway and mark the prediction (and its log entry) with the findings.</summary>
    Flag,
}
