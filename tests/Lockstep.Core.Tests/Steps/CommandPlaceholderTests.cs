using System.Text.RegularExpressions;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Lockstep.Steps;

namespace Lockstep.Tests.Steps;

public sealed class CommandPlaceholderTests
{
    // The expression the scan replaces: the scan must find exactly what it finds.
    private static readonly Regex Expression = new(@"\$\{(inputs|outputs)\.([A-Za-z0-9_-]+)\}");

    // Pieces that make near misses likely: partial prefixes, missing braces, characters just outside the name's class.
    private static readonly string[] Pieces =
        ["${", "$", "{", "}", "inputs", "outputs", "input", ".", "a", "Z", "9", "_", "-", " ", "é", "${inputs.", "${outputs.", "x}", "$${", "\n", "'"];

    public static Arbitrary<string> CommandTexts() =>
        Gen.ListOf(Gen.Elements(Pieces)).Select(parts => string.Concat(parts)).ToArbitrary();

    [Property(MaxTest = 2000, Arbitrary = [typeof(CommandPlaceholderTests)])]
    public bool The_scan_finds_what_the_regular_expression_matches(string text)
    {
        var expected = Expression.Matches(text).Select(m => (m.Index, m.Length, m.Groups[1].Value, m.Groups[2].Value));
        var actual = CommandPlaceholder.FindAll(text).Select(p => (p.Index, p.Length, p.Kind, p.Name));
        return actual.SequenceEqual(expected);
    }

    [Property(MaxTest = 1000, Arbitrary = [typeof(CommandPlaceholderTests)])]
    public bool Replacing_gives_what_the_regular_expression_gives(string text) =>
        CommandPlaceholder.Replace(text, p => $"<{p.Kind[0]}:{p.Name}>")
        == Expression.Replace(text, m => $"<{m.Groups[1].Value[0]}:{m.Groups[2].Value}>");

    [Theory]
    [InlineData("cat ${inputs.raw} > ${outputs.rows}", "inputs:raw,outputs:rows")]
    [InlineData("${inputs.a-b_9}}", "inputs:a-b_9")]
    [InlineData("${inputs.}${inputs.x ${outputs.y}", "outputs:y")]
    [InlineData("$${inputs.x}", "inputs:x")]
    [InlineData("${params.x} ${input.x} ${inputs.é}", "")]
    [InlineData("${outputs.last", "")]
    public void Placeholders_are_found_left_to_right(string text, string expected) =>
        string.Join(",", CommandPlaceholder.FindAll(text).Select(p => $"{p.Kind}:{p.Name}")).ShouldBe(expected);
}
