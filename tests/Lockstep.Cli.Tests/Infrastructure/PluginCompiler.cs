using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace Lockstep.Cli.Tests.Infrastructure;

/// <summary>Compiles C# source into a plugin library against the Lockstep.Core the tests were built with.</summary>
internal static class PluginCompiler
{
    public static void Compile(string source, string assemblyName, string outputPath)
    {
        var trusted = ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator);
        var references = trusted
            .Where(p => Path.GetFileName(p) is var f && (f.StartsWith("System.", StringComparison.Ordinal) || f is "netstandard.dll" or "mscorlib.dll"))
            .Append(Path.Combine(AppContext.BaseDirectory, "Lockstep.Core.dll"))
            .Select(p => MetadataReference.CreateFromFile(p));
        var compilation = CSharpCompilation.Create(
            assemblyName,
            [CSharpSyntaxTree.ParseText(source, new CSharpParseOptions(LanguageVersion.Latest))],
            references,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, deterministic: true, nullableContextOptions: NullableContextOptions.Enable));
        using var stream = File.Create(outputPath);
        var result = compilation.Emit(stream);
        if (!result.Success)
        {
            throw new InvalidOperationException("the test plugin does not compile:\n" + string.Join("\n", result.Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error)));
        }
    }
}
