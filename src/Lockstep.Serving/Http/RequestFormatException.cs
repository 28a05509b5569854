namespace Lockstep.Serving.Http;

/// <summary>The request body is not a JSON object or an array of objects, or breaks a limit.</summary>
internal sealed class RequestFormatException(int status, string title, string detail) : Exception(detail)
{
    public int Status { get; } = status;

    public string Title { get; } = title;
}
