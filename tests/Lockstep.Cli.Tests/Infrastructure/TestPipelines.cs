namespace Lockstep.Cli.Tests.Infrastructure;

/// <summary>Pipelines of real shell commands that the process-level tests run.</summary>
internal static class TestPipelines
{
    /// <summary>
    /// source → scale → report, and source → side. <c>factor</c> is shared and used only by
    /// <c>scale</c>, so changing it must re-run scale and report and nothing else.
    /// </summary>
    public const string Diamond = """
        version: 1
        name: diamond
        seed: 7
        params:
          factor: 2
        steps:
          - id: source
            type: command
            inputs:
              raw: data.txt
            outputs: [copy]
            params:
              run: cp ${inputs.raw} ${outputs.copy}
          - id: scale
            type: command
            inputs:
              text: source.copy
            outputs: [scaled]
            params:
              run: echo "factor ${params.factor}" | cat ${inputs.text} - > ${outputs.scaled}
              timeout_seconds: 60
          - id: report
            type: command
            inputs:
              text: scale.scaled
            outputs: [summary]
            params:
              run: wc -l < ${inputs.text} > ${outputs.summary}
          - id: side
            type: command
            inputs:
              text: source.copy
            outputs: [upper]
            params:
              run: tr a-z A-Z < ${inputs.text} > ${outputs.upper}
        """;

    public const string DiamondData = "alpha\nbeta\ngamma\n";

    /// <summary>
    /// Six steps that each sleep, then write their output: a and e start; b and c need a; d needs b
    /// and c; f needs d and e. Slow enough that a kill lands inside, between and after steps.
    /// </summary>
    public static string Sleepy(double seconds) => $$"""
        version: 1
        name: sleepy
        seed: 11
        params:
          nap: {{seconds.ToString(System.Globalization.CultureInfo.InvariantCulture)}}
        steps:
          - id: a
            type: command
            outputs: [out]
            params:
              run: sleep ${params.nap}; echo a > ${outputs.out}
          - id: b
            type: command
            inputs: { x: a.out }
            outputs: [out]
            params:
              run: sleep ${params.nap}; cat ${inputs.x} > ${outputs.out}; echo b >> ${outputs.out}
          - id: c
            type: command
            inputs: { x: a.out }
            outputs: [out]
            params:
              run: sleep ${params.nap}; cat ${inputs.x} > ${outputs.out}; echo c >> ${outputs.out}
          - id: d
            type: command
            inputs: { x: b.out, y: c.out }
            outputs: [out]
            params:
              run: sleep ${params.nap}; cat ${inputs.x} ${inputs.y} > ${outputs.out}
          - id: e
            type: command
            outputs: [out]
            params:
              run: sleep ${params.nap}; echo e > ${outputs.out}
          - id: f
            type: command
            inputs: { x: d.out, y: e.out }
            outputs: [out]
            params:
              run: sleep ${params.nap}; cat ${inputs.x} ${inputs.y} > ${outputs.out}
        """;

    public static readonly string[] SleepySteps = ["a", "b", "c", "d", "e", "f"];
}
