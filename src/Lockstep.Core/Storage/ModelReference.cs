using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text.RegularExpressions;

namespace Lockstep.Storage;

/// <summary>
/// A reference to a registered model: <c>NAME</c> (latest version), <c>NAME@3</c> or
/// <c>NAME@ALIAS</c>. Names: letters, digits, '.', '_', '-', starting with a letter or digit;
/// aliases: the same but starting with a letter (so they never look like version numbers).
/// </summary>
public sealed partial record ModelReference(string Name, int? Version, string? Alias)
{
    public static bool IsValidName(string? name) => name is not null && NamePattern().IsMatch(name);

    public static bool IsValidAlias(string? alias) => alias is not null && AliasPattern().IsMatch(alias);

    public static bool TryParse(string? text, [NotNullWhen(true)] out ModelReference? reference)
    {
        reference = null;
        if (string.IsNullOrWhiteSpace(text))
        {
            return false;
        }
        var at = text.IndexOf('@', StringComparison.Ordinal);
        var name = at < 0 ? text : text[..at];
        if (!IsValidName(name))
        {
            return false;
        }
        if (at < 0)
        {
            reference = new ModelReference(name, null, null);
            return true;
        }
        var tail = text[(at + 1)..];
        if (int.TryParse(tail, NumberStyles.None, CultureInfo.InvariantCulture, out var version) && version > 0)
        {
            reference = new ModelReference(name, version, null);
            return true;
        }
        if (IsValidAlias(tail))
        {
            reference = new ModelReference(name, null, tail);
            return true;
        }
        return false;
    }

    /// <summary>Parses a reference or throws an <see cref="ArgumentException"/> that says how to write one.</summary>
    public static ModelReference Parse(string text) =>
        TryParse(text, out var reference)
            ? reference
            : throw new ArgumentException($"'{text}' is not a model reference; write NAME, NAME@VERSION (e.g. adult@3) or NAME@ALIAS (e.g. adult@production)", nameof(text));

    public override string ToString() => Version is { } v ? $"{Name}@{v}" : Alias is { } a ? $"{Name}@{a}" : Name;

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$")]
    private static partial Regex NamePattern();

    [GeneratedRegex("^[A-Za-z][A-Za-z0-9._-]{0,63}$")]
    private static partial Regex AliasPattern();
}
