using System.Buffers;
using Lockstep.Serving.Logging;
using Lockstep.Serving.Scoring;
using Shouldly;
using Xunit;

namespace Lockstep.Serving.Tests.Logging;

public sealed class PredictionBlockFormatTests
{
    private static readonly string[] Columns = ["age", "workclass", "income"];
    private static readonly bool[] Dropped = [false, false, true];

    /// <summary>Rows as two workers' slices would hold them: plain, quoted, missing, with findings, with no probability, non-ASCII.</summary>
    private static (int Rows, ArrayBufferWriter<byte>[] Slices) Slices()
    {
        var slices = new[] { new ArrayBufferWriter<byte>(), new ArrayBufferWriter<byte>(), new ArrayBufferWriter<byte>() };
        var index = 0;
        for (var s = 0; s < 3; s += 2)
        {
            // The middle slice logs no rows (all blocked): an empty part.
            for (var i = 0; i < 700; i++, index++)
            {
                var line = (i % 4) switch
                {
                    0 => $"{20 + (i % 50)}, State-gov, <=50K",
                    1 => $"{i}.5,\"Married, \"\"civ\"\"\",>50K",
                    2 => $" ?, Überstunden-gov ✓, <=50K",
                    _ => $"-{i}e3,,",
                };
                var score = new ModelScore(i * 0.001 - 0.3, i % 3 == 0 ? null : i / 700.0, i % 5 == 0 ? null : ">50K");
                PredictionBlockFormat.Row(slices[s], index, line, score, i % 7 == 0 ? """[{"field":"age","message":"x"}]""" : null);
            }
        }
        return (index, slices);
    }

    private static PredictionBlock Block(byte[] payload, int rows) =>
        new("batch-1", 0, rows, new DateTimeOffset(2026, 11, 24, 16, 0, 0, TimeSpan.Zero), "adult", 3, "sha256:ab", "batch", payload);

    private static byte[] Raw(int rows, ArrayBufferWriter<byte>[] slices)
    {
        var header = PredictionBlockFormat.Header(Columns, Dropped, ["?"]);
        return PredictionBlockFormat.Compose(header, rows, [.. slices.Select(s => s.WrittenMemory)]);
    }

    private static byte[] Compressed(int rows, ArrayBufferWriter<byte>[] slices)
    {
        var header = PredictionBlockFormat.Header(Columns, Dropped, ["?"]);
        var parts = slices.Select(s =>
        {
            var part = new ArrayBufferWriter<byte>();
            PredictionBlockFormat.CompressPart(s.WrittenSpan, part);
            return part.WrittenMemory;
        }).ToArray();
        var payload = new ArrayBufferWriter<byte>();
        PredictionBlockFormat.ComposeCompressed(header, rows, parts, payload);
        return payload.WrittenSpan.ToArray();
    }

    [Fact]
    public void A_compressed_block_expands_to_the_same_records_as_the_uncompressed_block_of_the_same_rows()
    {
        var (rows, slices) = Slices();
        var raw = Raw(rows, slices);
        var compressed = Compressed(rows, slices);

        raw[0].ShouldBe(PredictionBlockFormat.Version);
        compressed[0].ShouldBe(PredictionBlockFormat.CompressedVersion);
        compressed.Length.ShouldBeLessThan(raw.Length / 2);
        var fromRaw = PredictionBlockFormat.Expand(Block(raw, rows)).ToList();
        var fromCompressed = PredictionBlockFormat.Expand(Block(compressed, rows)).ToList();
        fromRaw.Count.ShouldBe(1400);
        fromCompressed.ShouldBe(fromRaw);
        fromCompressed[1].InputJson.ShouldBe("""{"age":1.5,"workclass":"Married, \"civ\""}""");
        fromCompressed[2].InputJson.ShouldBe("""{"age":null,"workclass":"Überstunden-gov ✓"}""");
        fromCompressed[0].FindingsJson.ShouldNotBeNull();
        fromCompressed.Select(r => r.RowIndex).ShouldBe(Enumerable.Range(0, 1400));
    }

    [Fact]
    public void A_part_with_no_rows_writes_nothing_and_a_block_of_only_empty_parts_has_no_rows()
    {
        var part = new ArrayBufferWriter<byte>();
        PredictionBlockFormat.CompressPart([], part);
        part.WrittenCount.ShouldBe(0);
        var payload = new ArrayBufferWriter<byte>();
        PredictionBlockFormat.ComposeCompressed(PredictionBlockFormat.Header(Columns, Dropped, []), 0, [part.WrittenMemory], payload);
        PredictionBlockFormat.Expand(Block(payload.WrittenSpan.ToArray(), 0)).ShouldBeEmpty();
    }

    [Fact]
    public void A_damaged_compressed_block_is_reported_with_its_request_and_first_row_not_read_as_garbage()
    {
        var (rows, slices) = Slices();
        var compressed = Compressed(rows, slices);
        var header = PredictionBlockFormat.Header(Columns, Dropped, ["?"]).Length;
        // Flip bytes inside the first part's Brotli stream.
        for (var i = header + 8 + 8 + 10; i < header + 8 + 8 + 40; i++)
        {
            compressed[i] ^= 0x5A;
        }
        var corrupt = Should.Throw<InvalidDataException>(() => PredictionBlockFormat.Expand(Block(compressed, rows)).ToList());
        corrupt.Message.ShouldContain("batch-1");
        corrupt.Message.ShouldContain("damaged");

        var truncated = Compressed(rows, slices)[..(header + 30)];
        Should.Throw<InvalidDataException>(() => PredictionBlockFormat.Expand(Block(truncated, rows)).ToList()).Message.ShouldContain("damaged");
    }

    [Theory]
    [InlineData(0x7FFF0000)]
    [InlineData(-1)]
    [InlineData(1)]
    public void A_part_whose_stored_length_is_damaged_is_reported_without_allocating_what_it_claims(int claimed)
    {
        var (rows, slices) = Slices();
        var compressed = Compressed(rows, slices);
        var header = PredictionBlockFormat.Header(Columns, Dropped, ["?"]).Length;
        // The first part's raw length: after the header, the row count and the part count.
        var at = header + 8;
        var real = System.Buffers.Binary.BinaryPrimitives.ReadInt32LittleEndian(compressed.AsSpan(at));
        System.Buffers.Binary.BinaryPrimitives.WriteInt32LittleEndian(compressed.AsSpan(at), claimed == 1 ? real - 1 : claimed);
        var allocated = GC.GetAllocatedBytesForCurrentThread();

        var error = Should.Throw<InvalidDataException>(() => PredictionBlockFormat.Expand(Block(compressed, rows)).ToList());

        error.Message.ShouldContain("damaged");
        (GC.GetAllocatedBytesForCurrentThread() - allocated).ShouldBeLessThan(16L << 20);
    }

    [Fact]
    public void A_block_of_an_unknown_format_says_to_upgrade()
    {
        var (rows, slices) = Slices();
        var payload = Raw(rows, slices);
        payload[0] = 4;
        Should.Throw<InvalidDataException>(() => PredictionBlockFormat.Expand(Block(payload, rows)).ToList()).Message.ShouldContain("upgrade Lockstep");
    }

    [Fact]
    public void A_block_by_reference_reads_back_the_same_records_as_a_block_with_the_lines_inline()
    {
        var (rows, input, inline, byReference) = BothFormats();

        var expected = PredictionBlockFormat.Expand(Block(inline, rows)).ToList();
        var actual = PredictionBlockFormat.Expand(Block(byReference, rows) with { InputObject = "ab" }, input).ToList();

        actual.Count.ShouldBe(rows);
        actual.ShouldBe(expected);
        PredictionBlockFormat.IsByReference(Block(byReference, rows)).ShouldBeTrue();
        PredictionBlockFormat.IsByReference(Block(inline, rows)).ShouldBeFalse();
    }

    [Theory]
    [InlineData(16)]
    [InlineData(1000)]
    [InlineData(1 << 20)]
    public void A_block_by_reference_reads_its_lines_from_the_object_file_through_a_window_of_any_size(int window)
    {
        // 16 bytes: smaller than most lines (the window grows to the line); 1000: lines across the
        // window's edge; 1 MB: the whole input in one read.
        var (rows, input, inline, byReference) = BothFormats();
        var path = Path.Combine(Path.GetTempPath(), "lockstep-input-window-" + Guid.NewGuid().ToString("N"));
        File.WriteAllBytes(path, input);
        try
        {
            using var file = InputWindow.Open(path, window);

            var actual = PredictionBlockFormat.Expand(Block(byReference, rows) with { InputObject = "ab" }, file).ToList();

            actual.ShouldBe(PredictionBlockFormat.Expand(Block(inline, rows)).ToList());
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void A_block_by_reference_whose_lines_lie_past_its_input_is_damaged_not_a_crash()
    {
        var (rows, input, _, byReference) = BothFormats();

        var error = Should.Throw<InvalidDataException>(() => PredictionBlockFormat.Expand(Block(byReference, rows) with { InputObject = "ab" }, input[..(input.Length / 2)]).ToList());

        error.Message.ShouldContain("damaged");
        error.Message.ShouldContain("input object ab");
    }

    /// <summary>
    /// Lines as a file holds them (line breaks of each kind, lines that are skipped, non-ASCII),
    /// logged in two slices with the lines inline (format 1) and by position (format 3; every
    /// ninth row inline, as after a line the decoder repaired), with gaps in the row indexes.
    /// </summary>
    private static (int Rows, byte[] Input, byte[] Inline, byte[] ByReference) BothFormats()
    {
        var file = new ArrayBufferWriter<byte>();
        var inline = new[] { new ArrayBufferWriter<byte>(), new ArrayBufferWriter<byte>() };
        var byReference = new[] { new ArrayBufferWriter<byte>(), new ArrayBufferWriter<byte>() };
        var rows = 0;
        for (var s = 0; s < 2; s++)
        {
            var previousIndex = -1;
            var previousEnd = 0L;
            for (var i = 0; i < 600; i++)
            {
                var line = (i % 4) switch
                {
                    0 => $"{20 + (i % 50)}, State-gov, <=50K",
                    1 => $"{i}.5,\"Married, \"\"civ\"\"\",>50K",
                    2 => $" ?, Überstunden-gov ✓ 日本, <=50K",
                    _ => $"-{i}e3,,",
                };
                var start = file.WrittenCount;
                var length = (int)System.Text.EncodingExtensions.GetBytes(System.Text.Encoding.UTF8, line.AsSpan(), file);
                file.Write(i % 3 == 0 ? "\r\n"u8 : "\n"u8);
                if (i % 10 == 5)
                {
                    file.Write("# skipped\n"u8);
                    continue;
                }
                var index = (s * 1000) + i;
                var score = new ModelScore(i * 0.001 - 0.3, i % 3 == 0 ? null : i / 700.0, i % 5 == 0 ? null : ">50K");
                var findings = i % 7 == 0 ? """[{"field":"age","message":"x"}]""" : null;
                PredictionBlockFormat.Row(inline[s], index, line, score, findings);
                PredictionBlockFormat.RowByReference(byReference[s], ref previousIndex, ref previousEnd, index, i % 9 == 0 ? -1 : start, length, line, score, findings);
                rows++;
            }
        }
        var header = PredictionBlockFormat.Header(Columns, Dropped, ["?"]);
        var byReferencePayload = new ArrayBufferWriter<byte>();
        PredictionBlockFormat.ComposeByReference(header, rows, [byReference[0].WrittenMemory, byReference[1].WrittenMemory], byReferencePayload);
        return (rows, file.WrittenSpan.ToArray(), PredictionBlockFormat.Compose(header, rows, [inline[0].WrittenMemory, inline[1].WrittenMemory]), byReferencePayload.WrittenSpan.ToArray());
    }
}
