using System.Collections.Concurrent;
using System.Reflection;
using Lockstep.Errors;
using Lockstep.Hashing;
using Lockstep.Running;

namespace Lockstep.Steps;

/// <summary>
/// The step types a pipeline may use: Lockstep's own and those found in plugin libraries. Each
/// type's code identity is the content hash of the assembly file that implements it, so a rebuilt
/// plugin with different code gets a different identity without anyone bumping a version.
/// </summary>
public sealed class StepTypeRegistry
{
    private readonly Dictionary<string, Lazy<IStepType>> _types = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<Assembly, string> _assemblyHashes = new();

    public IReadOnlyCollection<string> Names => _types.Keys;

    /// <summary>Every registered type (creates those registered by name that were not used yet).</summary>
    public IEnumerable<IStepType> Types => _types.Values.Select(t => t.Value);

    public StepTypeRegistry Add(IStepType type)
    {
        ArgumentNullException.ThrowIfNull(type);
        if (!_types.TryAdd(type.Signature.Type, new Lazy<IStepType>(type)))
        {
            throw new ArgumentException($"step type '{type.Signature.Type}' is registered twice ({_types[type.Signature.Type].Value.GetType().FullName} and {type.GetType().FullName})");
        }
        return this;
    }

    /// <summary>
    /// Registers a type by name, created on first use: a pipeline that uses only 'command' steps
    /// then never loads the ML or data libraries (and what they reference), which a short command
    /// such as a fully cached run would otherwise pay for at start-up.
    /// </summary>
    public StepTypeRegistry Add(string name, Func<IStepType> create)
    {
        ArgumentNullException.ThrowIfNull(create);
        var lazy = new Lazy<IStepType>(() =>
        {
            var type = create();
            if (type.Signature.Type != name)
            {
                throw new InvalidOperationException($"step type registered as '{name}' calls itself '{type.Signature.Type}'");
            }
            return type;
        });
        if (!_types.TryAdd(name, lazy))
        {
            throw new ArgumentException($"step type '{name}' is registered twice");
        }
        return this;
    }

    public bool TryGet(string name, out IStepType type)
    {
        if (_types.TryGetValue(name, out var lazy))
        {
            type = lazy.Value;
            return true;
        }
        type = null!;
        return false;
    }

    /// <summary>Adds every public, non-abstract <see cref="IStepType"/> with a parameterless constructor from a class library.</summary>
    public void LoadPlugin(string path)
    {
        var full = Path.GetFullPath(path);
        if (!File.Exists(full))
        {
            throw new LockstepException($"plugin library {path} does not exist; build it (dotnet build) or fix the path under 'plugins:'");
        }
        Assembly assembly;
        try
        {
            assembly = System.Runtime.Loader.AssemblyLoadContext.Default.LoadFromAssemblyPath(full);
        }
        catch (Exception e) when (e is BadImageFormatException or FileLoadException)
        {
            throw new LockstepException($"plugin library {path} cannot be loaded: {e.Message}. It must be a .NET class library built for net10.0.");
        }
        var found = 0;
        Type[] exported;
        try
        {
            exported = assembly.GetExportedTypes();
        }
        catch (ReflectionTypeLoadException e)
        {
            throw new LockstepException($"plugin library {path} references something missing: {e.LoaderExceptions.FirstOrDefault()?.Message}");
        }
        foreach (var t in exported.OrderBy(t => t.FullName, StringComparer.Ordinal))
        {
            if (t.IsAbstract || !typeof(IStepType).IsAssignableFrom(t) || t.GetConstructor(Type.EmptyTypes) is null)
            {
                continue;
            }
            var instance = (IStepType)Activator.CreateInstance(t)!;
            if (_types.TryGetValue(instance.Signature.Type, out var existing) && existing.Value.GetType() != t)
            {
                throw new LockstepException($"plugin {path} defines step type '{instance.Signature.Type}', which {existing.Value.GetType().Assembly.GetName().Name} already defines; rename it");
            }
            _types[instance.Signature.Type] = new Lazy<IStepType>(instance);
            found++;
        }
        if (found == 0)
        {
            throw new LockstepException($"plugin library {path} has no public class implementing Lockstep.Steps.IStepType with a parameterless constructor");
        }
    }

    /// <summary>The content hash of the assembly file that implements <paramref name="type"/>, plus its type name.</summary>
    public string CodeIdentity(IStepType type)
    {
        var assembly = type.GetType().Assembly;
        var hash = _assemblyHashes.GetOrAdd(assembly, a =>
        {
            var location = a.Location;
            return string.IsNullOrEmpty(location) || !File.Exists(location)
                ? "unknown:" + a.GetName().FullName
                : ContentHasher.HashBytes(File.ReadAllBytes(location)).Hex;
        });
        return $"{type.GetType().FullName}@{hash}";
    }

    /// <summary>The runtime and package versions the step type's code depends on.</summary>
    public string EnvironmentIdentity(IStepType type) => EnvironmentFingerprint.For(type.GetType().Assembly);
}
