using System.Security.Cryptography;
using System.Text;
using Lockstep.Errors;

namespace Lockstep.Serving.Http;

/// <summary>
/// Accepted API keys, kept as SHA-256 digests so every comparison is between equal-length
/// values with <see cref="CryptographicOperations.FixedTimeEquals"/>; all keys are compared on
/// every request so timing does not reveal which (or whether one) matched early.
/// </summary>
public sealed class ApiKeySet
{
    private readonly byte[][] _digests;

    public ApiKeySet(IEnumerable<string> keys)
    {
        ArgumentNullException.ThrowIfNull(keys);
        _digests = keys.Where(k => k.Length > 0).Select(k => SHA256.HashData(Encoding.UTF8.GetBytes(k))).ToArray();
    }

    public bool IsEmpty => _digests.Length == 0;

    public bool Accepts(string? presented)
    {
        if (string.IsNullOrEmpty(presented))
        {
            return false;
        }
        Span<byte> digest = stackalloc byte[32];
        SHA256.HashData(Encoding.UTF8.GetBytes(presented), digest);
        var ok = false;
        foreach (var d in _digests)
        {
            ok |= CryptographicOperations.FixedTimeEquals(d, digest);
        }
        return ok;
    }

    /// <summary>Reads keys, one per line (blank lines and <c>#</c> comments ignored), from a file.</summary>
    public static async Task<IReadOnlyList<string>> ReadFileAsync(string path, CancellationToken cancellationToken)
    {
        try
        {
            var lines = await File.ReadAllLinesAsync(path, cancellationToken).ConfigureAwait(false);
            var keys = lines.Select(l => l.Trim()).Where(l => l.Length > 0 && !l.StartsWith('#')).ToList();
            if (keys.Count == 0)
            {
                throw new LockstepException($"the API key file {path} holds no keys: write one key per line");
            }
            return keys;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new LockstepException($"cannot read the API key file {path}: {e.Message}", e);
        }
    }

    /// <summary>Keys from an environment variable, separated by commas.</summary>
    public static IReadOnlyList<string> FromEnvironment(string variable) =>
        (Environment.GetEnvironmentVariable(variable) ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}
