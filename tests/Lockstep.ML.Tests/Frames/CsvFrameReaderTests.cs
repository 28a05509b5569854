using Lockstep.Errors;
using Lockstep.ML.Frames;

namespace Lockstep.ML.Tests.Frames;

public sealed class CsvFrameReaderTests
{
    [Fact]
    public void Quoted_cells_may_hold_separators_quotes_and_newlines()
    {
        var frame = CsvFrameReader.Parse("name,age\n\"Smith, \"\"Jo\"\"\",3\n\"two\nlines\",\n", new CsvOptions(), "t.csv");

        frame["name"].Texts.ShouldBe(["Smith, \"Jo\"", "two\nlines"]);
        frame["age"].Numbers![0].ShouldBe(3);
        double.IsNaN(frame["age"].Numbers![1]).ShouldBeTrue();
    }

    [Fact]
    public void Declared_missing_markers_and_comment_lines_are_honoured()
    {
        var frame = CsvFrameReader.Parse("# comment\n1, ?, x\n2, b, ?\n", new CsvOptions { HasHeader = false, ColumnNames = ["n", "c", "d"], MissingValues = ["?"] }, "t.csv");

        frame.RowCount.ShouldBe(2);
        frame["c"].Texts.ShouldBe([null, "b"]);
        frame["d"].Texts.ShouldBe(["x", null]);
    }

    [Fact]
    public void A_line_with_the_wrong_number_of_fields_is_an_error_naming_the_file_and_line()
    {
        var error = Should.Throw<StepInputException>(() => CsvFrameReader.Parse("a,b\n1,2\n3\n", new CsvOptions(), "data.csv"));

        error.Message.ShouldStartWith("data.csv:3: 1 fields, but the file has 2 columns");
    }

    [Fact]
    public async Task The_writer_and_reader_round_trip_a_frame()
    {
        var frame = new Frame([FrameColumn.Numeric("x", [1.5, double.NaN, 1e-20]), FrameColumn.Text("s", ["a,b", null, "#x"])]);
        using var temp = new TempFolder();
        await CsvFrameWriter.WriteAsync(frame, temp.File("f.csv"), default);

        var back = await CsvFrameReader.ReadAsync(temp.File("f.csv"), new CsvOptions(), default);

        back["x"].Numbers![0].ShouldBe(1.5);
        back["x"].Numbers![2].ShouldBe(1e-20);
        back["s"].Texts.ShouldBe(["a,b", null, "#x"]);
    }
}
