using System.Buffers;
using System.Diagnostics;
using System.IO.Pipelines;
using System.Text.Json;
using Lockstep.Errors;
using Lockstep.Serving.Logging;
using Lockstep.Serving.Scoring;
using Microsoft.AspNetCore.Http;

namespace Lockstep.Serving.Http;

/// <summary>
/// <c>POST /v1/models/{name}/predict</c>: read and bound the body, parse rows, validate each
/// against the bundle's schema and expectations, score, commit to the durable log, answer.
/// </summary>
internal sealed class PredictHandler(ModelHolder holder, PredictionLog log, ServingMetrics metrics, ServerOptions options, TimeProvider time)
{
    [ThreadStatic]
    private static ArrayBufferWriter<byte>? t_scratch;

    [ThreadStatic]
    private static ArrayBufferWriter<byte>? t_answer;

    [ThreadStatic]
    private static Utf8JsonWriter? t_answerWriter;

    private readonly Prometheus.Counter.Child _ok = metrics.Requests.WithLabels("200");

    public async Task HandleAsync(HttpContext context, string name)
    {
        var started = Stopwatch.GetTimestamp();
        var requestId = RequestId(context);
        context.Response.Headers["X-Request-Id"] = requestId;
        var code = await HandleCoreAsync(context, name, requestId, started).ConfigureAwait(false);
        (code == 200 ? _ok : metrics.Requests.WithLabels(CodeLabel(code))).Inc();
        metrics.Latency.Observe(Stopwatch.GetElapsedTime(started).TotalSeconds);
        metrics.LogBacklog.Set(log.Backlog);
    }

    private async Task<int> HandleCoreAsync(HttpContext context, string name, string requestId, long started)
    {
        var model = holder.Current;
        if (model is null)
        {
            return await FailAsync(context, 503, "Not ready", "no verified model is loaded yet; retry shortly (GET /ready says when)", "not_ready", requestId).ConfigureAwait(false);
        }
        if (!string.Equals(name, model.Name, StringComparison.Ordinal))
        {
            return await FailAsync(context, 404, "Unknown model", $"this server serves model '{model.Name}', not '{name}'; POST to /v1/models/{model.Name}/predict", "unknown_model", requestId).ConfigureAwait(false);
        }
        if (!IsJson(context.Request.ContentType))
        {
            return await FailAsync(context, 415, "Unsupported media type", $"the body must be sent with Content-Type: application/json (got '{context.Request.ContentType ?? "none"}')", "content_type", requestId).ConfigureAwait(false);
        }
        if (context.Request.ContentLength > options.MaxBodyBytes)
        {
            return await FailAsync(context, 413, "Body too large", $"the body is {context.Request.ContentLength} bytes; the limit is {options.MaxBodyBytes}; send smaller batches", "body_size", requestId).ConfigureAwait(false);
        }

        ReadResult read;
        var reader = context.Request.BodyReader;
        try
        {
            while (true)
            {
                read = await reader.ReadAsync(context.RequestAborted).ConfigureAwait(false);
                if (read.IsCompleted)
                {
                    break;
                }
                if (read.Buffer.Length > options.MaxBodyBytes)
                {
                    reader.AdvanceTo(read.Buffer.Start, read.Buffer.End);
                    return await FailAsync(context, 413, "Body too large", $"the body exceeds the limit of {options.MaxBodyBytes} bytes; send smaller batches", "body_size", requestId).ConfigureAwait(false);
                }
                reader.AdvanceTo(read.Buffer.Start, read.Buffer.End);
            }
        }
        catch (BadHttpRequestException e)
        {
            return await FailAsync(context, e.StatusCode, "Bad request", e.Message, "body_size", requestId).ConfigureAwait(false);
        }

        List<RequestRow> rows;
        bool isArray;
        var buffer = read.Buffer;
        try
        {
            rows = Parse(buffer, out isArray);
        }
        catch (RequestFormatException e)
        {
            return await FailAsync(context, e.Status, e.Title, e.Message, "bad_body", requestId).ConfigureAwait(false);
        }
        finally
        {
            reader.AdvanceTo(buffer.End);
        }

        var findings = new List<FieldFinding>();
        for (var i = 0; i < rows.Count; i++)
        {
            if (rows[i].Structural is { } structural)
            {
                findings.AddRange(structural);
            }
            model.Validate(rows[i].Values, i, findings);
        }
        if (findings.Count > 0)
        {
            metrics.ValidationFailures.Inc(findings.Count);
            if (options.Policy == ValidationPolicy.Reject && findings.Exists(f => f.Blocking))
            {
                var blocking = findings.FindAll(f => f.Blocking);
                var detail = $"{blocking.Count} field problem(s) in {blocking.Select(f => f.Row).Distinct().Count()} row(s); see 'errors' (nothing was scored)";
                await Problem.WriteAsync(context, 400, "Invalid request", detail, blocking, requestId).ConfigureAwait(false);
                metrics.Errors.WithLabels("validation").Inc();
                return 400;
            }
        }

        var scores = new ModelScore[rows.Count];
        var records = new PredictionRecord[rows.Count];
        var scratch = t_scratch ??= new ArrayBufferWriter<byte>(256);
        var at = time.GetUtcNow();
        for (var i = 0; i < rows.Count; i++)
        {
            scores[i] = model.Score(rows[i].Values);
            records[i] = new PredictionRecord(requestId, i, at, model.Name, model.Version, model.BundleHash, rows[i].RawJson,
                ScoreJson.Output(scores[i], scratch), findings.Count == 0 ? null : ScoreJson.Findings(findings, i),
                (long)Stopwatch.GetElapsedTime(started).TotalMicroseconds, "http");
        }
        var logStarted = Stopwatch.GetTimestamp();
        try
        {
            await log.AppendAsync(records).ConfigureAwait(false);
        }
        catch (StoreException e)
        {
            return await FailAsync(context, 503, "Prediction log unavailable", e.Message + "; the prediction was not recorded, so it is not returned", "log", requestId).ConfigureAwait(false);
        }
        metrics.LogWait.Observe(Stopwatch.GetElapsedTime(logStarted).TotalSeconds);
        metrics.Rows.Inc(rows.Count);

        // The answer is built in a per-thread buffer and sent in one write with its length, as the
        // ceiling does (a writer on the response pipe meant chunked encoding and a flush per request).
        var answer = t_answer ??= new ArrayBufferWriter<byte>(512);
        answer.ResetWrittenCount();
        var writer = t_answerWriter ??= new Utf8JsonWriter(answer, JsonOutput.Options);
        writer.Reset(answer);
        writer.WriteStartObject();
        writer.WriteString("requestId", requestId);
        writer.WriteString("model", model.Name);
        writer.WriteNumber("version", model.Version);
        if (isArray)
        {
            writer.WriteStartArray("predictions");
            for (var i = 0; i < rows.Count; i++)
            {
                writer.WriteStartObject();
                WriteRow(writer, scores[i], findings, i);
                writer.WriteEndObject();
            }
            writer.WriteEndArray();
        }
        else
        {
            WriteRow(writer, scores[0], findings, 0);
        }
        writer.WriteEndObject();
        writer.Flush();
        context.Response.StatusCode = 200;
        context.Response.ContentType = "application/json";
        context.Response.ContentLength = answer.WrittenCount;
        // Copied into the response pipe before the await returns control, so the buffer can be reused.
        await context.Response.BodyWriter.WriteAsync(answer.WrittenMemory, context.RequestAborted).ConfigureAwait(false);
        return 200;
    }

    private List<RequestRow> Parse(ReadOnlySequence<byte> buffer, out bool isArray)
    {
        if (buffer.Length > options.MaxBodyBytes)
        {
            throw new RequestFormatException(413, "Body too large", $"the body exceeds the limit of {options.MaxBodyBytes} bytes; send smaller batches");
        }
        if (buffer.IsSingleSegment)
        {
            return RowParser.Parse(buffer.FirstSpan, options.MaxBatchRows, options.MaxDepth, out isArray);
        }
        var rented = ArrayPool<byte>.Shared.Rent((int)buffer.Length);
        try
        {
            buffer.CopyTo(rented);
            return RowParser.Parse(rented.AsSpan(0, (int)buffer.Length), options.MaxBatchRows, options.MaxDepth, out isArray);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }

    private static void WriteRow(Utf8JsonWriter writer, ModelScore score, List<FieldFinding> findings, int row)
    {
        ScoreJson.WriteFields(writer, score);
        if (findings.Count == 0)
        {
            return;
        }
        writer.WriteStartArray("findings");
        foreach (var f in findings)
        {
            if (f.Row == row)
            {
                Problem.WriteFinding(writer, f);
            }
        }
        writer.WriteEndArray();
    }

    private async Task<int> FailAsync(HttpContext context, int status, string title, string detail, string kind, string requestId)
    {
        metrics.Errors.WithLabels(kind).Inc();
        await Problem.WriteAsync(context, status, title, detail, null, requestId).ConfigureAwait(false);
        return status;
    }

    private static bool IsJson(string? contentType)
    {
        if (contentType is null)
        {
            return false;
        }
        var media = contentType.AsSpan();
        var semi = media.IndexOf(';');
        if (semi >= 0)
        {
            media = media[..semi];
        }
        media = media.Trim();
        return media.Equals("application/json", StringComparison.OrdinalIgnoreCase)
            || (media.EndsWith("+json", StringComparison.OrdinalIgnoreCase) && media.StartsWith("application/", StringComparison.OrdinalIgnoreCase));
    }

    private static string RequestId(HttpContext context)
    {
        var given = context.Request.Headers["X-Request-Id"].ToString();
        if (given.Length is > 0 and <= 64 && given.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.'))
        {
            return given;
        }
        return Guid.CreateVersion7().ToString("N");
    }

    private static string CodeLabel(int code) => code switch
    {
        200 => "200",
        400 => "400",
        404 => "404",
        413 => "413",
        415 => "415",
        503 => "503",
        _ => code.ToString(System.Globalization.CultureInfo.InvariantCulture),
    };
}
