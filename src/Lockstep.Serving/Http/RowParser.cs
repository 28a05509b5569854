using System.Text;
using System.Text.Json;
using Lockstep.Serving.Scoring;

namespace Lockstep.Serving.Http;

/// <summary>
/// Reads a request body — one JSON object or an array of objects, flat values only — with a
/// forward-only <see cref="Utf8JsonReader"/> (no DOM), keeping each row's raw bytes for the log.
/// </summary>
internal static class RowParser
{
    public static List<RequestRow> Parse(ReadOnlySpan<byte> body, int maxRows, int maxDepth, out bool isArray)
    {
        var reader = new Utf8JsonReader(body, new JsonReaderOptions { MaxDepth = maxDepth, CommentHandling = JsonCommentHandling.Disallow });
        var rows = new List<RequestRow>(1);
        try
        {
            if (!reader.Read())
            {
                throw new RequestFormatException(400, "Empty body", "the request body is empty: send one JSON object with the model's fields, or an array of them");
            }
            isArray = reader.TokenType == JsonTokenType.StartArray;
            if (reader.TokenType == JsonTokenType.StartObject)
            {
                rows.Add(ReadRow(ref reader, body, 0));
            }
            else if (isArray)
            {
                while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                {
                    if (reader.TokenType != JsonTokenType.StartObject)
                    {
                        throw new RequestFormatException(400, "Bad request body", $"element {rows.Count} of the array is {Describe(reader.TokenType)}, not a JSON object; each element must be one row of fields");
                    }
                    if (rows.Count == maxRows)
                    {
                        throw new RequestFormatException(413, "Batch too large", $"the batch has more than {maxRows} rows; split it into requests of at most {maxRows} rows");
                    }
                    rows.Add(ReadRow(ref reader, body, rows.Count));
                }
                if (rows.Count == 0)
                {
                    throw new RequestFormatException(400, "Empty batch", "the array holds no rows: send at least one JSON object");
                }
            }
            else
            {
                throw new RequestFormatException(400, "Bad request body", $"the body is {Describe(reader.TokenType)}; send one JSON object with the model's fields, or an array of them");
            }
            if (reader.Read())
            {
                throw new RequestFormatException(400, "Bad JSON", $"unexpected content after the end of the JSON value at byte {reader.TokenStartIndex}");
            }
        }
        catch (JsonException e)
        {
            var detail = e.Message.Contains("depth", StringComparison.OrdinalIgnoreCase)
                ? $"the JSON is nested deeper than {maxDepth} levels; rows must be flat objects of numbers, strings, booleans and nulls"
                : $"the body is not valid JSON (line {e.LineNumber + 1}, byte {e.BytePositionInLine + 1}): {e.Message}";
            throw new RequestFormatException(400, "Bad JSON", detail);
        }
        return rows;
    }

    private static RequestRow ReadRow(ref Utf8JsonReader reader, ReadOnlySpan<byte> body, int index)
    {
        var start = (int)reader.TokenStartIndex;
        var values = new Dictionary<string, object?>(16, StringComparer.Ordinal);
        List<FieldFinding>? findings = null;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var name = FieldNames.Get(ref reader);
            reader.Read();
            object? value;
            switch (reader.TokenType)
            {
                case JsonTokenType.Number:
                    value = reader.TryGetDouble(out var d) ? d : double.NaN;
                    break;
                case JsonTokenType.String:
                    value = reader.GetString();
                    break;
                case JsonTokenType.True:
                    value = true;
                    break;
                case JsonTokenType.False:
                    value = false;
                    break;
                case JsonTokenType.Null:
                    value = null;
                    break;
                default:
                    (findings ??= []).Add(new FieldFinding(index, name, "nested", $"'{name}' is {Describe(reader.TokenType)}; fields must be a number, a string, true/false or null"));
                    reader.Skip();
                    continue;
            }
            if (!values.TryAdd(name, value))
            {
                (findings ??= []).Add(new FieldFinding(index, name, "duplicate", $"'{name}' appears more than once in the row; send each field once"));
            }
        }
        var end = (int)reader.BytesConsumed;
        return new RequestRow(values, Encoding.UTF8.GetString(body[start..end]), findings);
    }

    private static string Describe(JsonTokenType token) => token switch
    {
        JsonTokenType.StartArray => "an array",
        JsonTokenType.StartObject => "an object",
        JsonTokenType.String => "a string",
        JsonTokenType.Number => "a number",
        JsonTokenType.True or JsonTokenType.False => "a boolean",
        JsonTokenType.Null => "null",
        _ => token.ToString(),
    };
}
