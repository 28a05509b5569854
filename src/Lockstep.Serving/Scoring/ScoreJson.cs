using System.Buffers;
using System.Text;
using System.Text.Json;

namespace Lockstep.Serving.Scoring;

/// <summary>The JSON shapes of one prediction, shared by the server, batch scoring and the log.</summary>
public static class ScoreJson
{
    public static void WriteFields(Utf8JsonWriter writer, ModelScore score)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteNumber("score", score.Score);
        if (score.Probability is { } p)
        {
            writer.WriteNumber("probability", p);
        }
        if (score.Label is { } label)
        {
            writer.WriteString("label", label);
        }
    }

    [ThreadStatic]
    private static Utf8JsonWriter? t_writer;

    /// <summary>The log's output column: <c>{"score":…,"probability":…,"label":…}</c>.</summary>
    public static string Output(ModelScore score, ArrayBufferWriter<byte> scratch)
    {
        ArgumentNullException.ThrowIfNull(scratch);
        scratch.ResetWrittenCount();
        // One writer per thread, reset onto the caller's buffer: a writer per row showed in profiles.
        var writer = t_writer ??= new Utf8JsonWriter(scratch, Lockstep.Serving.Http.JsonOutput.Options);
        writer.Reset(scratch);
        writer.WriteStartObject();
        WriteFields(writer, score);
        writer.WriteEndObject();
        writer.Flush();
        return Encoding.UTF8.GetString(scratch.WrittenSpan);
    }

    /// <summary>The log's findings column, or null when there are none.</summary>
    public static string? Findings(IReadOnlyList<FieldFinding> findings, int row)
    {
        ArgumentNullException.ThrowIfNull(findings);
        List<FieldFinding>? mine = null;
        foreach (var f in findings)
        {
            if (f.Row == row)
            {
                (mine ??= []).Add(f);
            }
        }
        if (mine is null)
        {
            return null;
        }
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer, Lockstep.Serving.Http.JsonOutput.Options))
        {
            writer.WriteStartArray();
            foreach (var f in mine)
            {
                writer.WriteStartObject();
                writer.WriteString("field", f.Field);
                writer.WriteString("kind", f.Kind);
                writer.WriteString("message", f.Message);
                writer.WriteEndObject();
            }
            writer.WriteEndArray();
        }
        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }
}
