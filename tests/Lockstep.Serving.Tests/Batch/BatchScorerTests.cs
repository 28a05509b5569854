using Lockstep.Serving.Batch;
using Lockstep.Serving.Logging;
using Lockstep.Serving.Scoring;
using Lockstep.Serving.Tests.Support;
using Shouldly;
using Xunit;

namespace Lockstep.Serving.Tests.Batch;

public sealed class BatchScorerTests() : BatchStoreTest("lockstep-batch-")
{

    [Fact]
    public async Task Adult_test_is_scored_row_for_row_and_every_scored_row_is_logged()
    {
        var output = Path.Combine(Root, "scores.csv");
        var options = new BatchOptions { Columns = TestBundles.AdultColumns, Drop = ["income"] };

        var result = await new BatchScorer(Model, Log, TimeProvider.System).ScoreAsync(TestBundles.DataPath("adult", "adult.test"), output, options, default);

        result.Rows.ShouldBe(16281);
        (result.Scored + result.Invalid).ShouldBe(result.Rows);
        result.Scored.ShouldBeGreaterThan(16000);
        var lines = await File.ReadAllLinesAsync(output);
        lines.Length.ShouldBe(16282);
        lines[0].ShouldBe("row,score,probability,label,findings");
        lines[1].Split(',')[3].ShouldBeOneOf(">50K", "<=50K");
        // Scored in parallel slices and chunks, written in input order.
        for (var i = 1; i < lines.Length; i++)
        {
            lines[i].ShouldStartWith((i - 1).ToString(System.Globalization.CultureInfo.InvariantCulture) + ",");
        }
        result.Scoring.ShouldBeGreaterThan(TimeSpan.Zero);
        result.Scoring.ShouldBeLessThanOrEqualTo(result.Elapsed);
        var logged = await new PredictionLogReader(Store.Database).CountAsync(new PredictionQuery(Model: "adult"), default);
        logged.ShouldBe(result.Scored);
    }

    [Fact]
    public async Task Rows_that_fail_validation_are_written_with_their_findings_and_not_scored()
    {
        var input = Path.Combine(Root, "in.csv");
        await File.WriteAllTextAsync(input, "age,workclass,fnlwgt,education,education-num,marital-status,occupation,relationship,race,sex,capital-gain,capital-loss,hours-per-week,native-country\n"
            + "39,State-gov,77516,Bachelors,13,Never-married,Adm-clerical,Not-in-family,White,Male,2174,0,40,United-States\n"
            + "abc,State-gov,77516,Bachelors,13,Never-married,Adm-clerical,Not-in-family,White,Male,2174,0,40,United-States\n");
        var output = Path.Combine(Root, "out.csv");

        var result = await new BatchScorer(Model, Log, TimeProvider.System).ScoreAsync(input, output, new BatchOptions(), default);

        (result.Rows, result.Scored, result.Invalid).ShouldBe((2, 1, 1));
        var lines = await File.ReadAllLinesAsync(output);
        lines[2].ShouldStartWith("1,,,,");
        lines[2].ShouldContain("age");
    }

    [Fact]
    public async Task An_input_without_a_header_line_or_a_folder_as_input_is_a_clear_error_and_leaves_no_output()
    {
        var output = Path.Combine(Root, "out.csv");
        foreach (var content in new[] { "", "\n\n# only a comment\n" })
        {
            var input = Path.Combine(Root, "empty.csv");
            await File.WriteAllTextAsync(input, content);
            var e = await Should.ThrowAsync<Lockstep.Errors.LockstepException>(() =>
                new BatchScorer(Model, Log, TimeProvider.System).ScoreAsync(input, output, new BatchOptions(), default));
            e.Message.ShouldContain(input);
            e.Message.ShouldContain("no header line");
            File.Exists(output).ShouldBeFalse();
        }

        var folder = await Should.ThrowAsync<Lockstep.Errors.LockstepException>(() =>
            new BatchScorer(Model, Log, TimeProvider.System).ScoreAsync(Root, output, new BatchOptions(), default));
        folder.Message.ShouldBe($"the input {Root} is a folder; give the CSV file to score");
        File.Exists(output).ShouldBeFalse();
    }

    [Fact]
    public async Task A_line_with_the_wrong_number_of_cells_is_reported_by_its_line_number_even_when_a_later_slice_also_has_one()
    {
        var input = Path.Combine(Root, "bad.csv");
        var good = "39,State-gov,77516,Bachelors,13,Never-married,Adm-clerical,Not-in-family,White,Male,2174,0,40,United-States";
        var lines = new List<string> { "age,workclass,fnlwgt,education,education-num,marital-status,occupation,relationship,race,sex,capital-gain,capital-loss,hours-per-week,native-country" };
        for (var i = 0; i < 2000; i++)
        {
            lines.Add(i is 300 or 1700 ? good + ",extra" : good);
        }
        await File.WriteAllLinesAsync(input, lines);

        var error = await Should.ThrowAsync<Lockstep.Errors.LockstepException>(() =>
            new BatchScorer(Model, Log, TimeProvider.System).ScoreAsync(input, Path.Combine(Root, "bad-out.csv"), new BatchOptions(), default));

        error.Message.ShouldContain("line 302: 15 cells, but the header has 14 columns");
        File.Exists(Path.Combine(Root, "bad-out.csv")).ShouldBeFalse();
        File.Exists(Path.Combine(Root, "bad-out.csv.tmp")).ShouldBeFalse();
    }

    [Fact]
    public async Task Batch_predictions_read_back_one_per_row_with_the_raw_row_and_the_answer_as_json_though_logged_as_blocks()
    {
        var input = Path.Combine(Root, "blocks.csv");
        var header = "age,workclass,fnlwgt,education,education-num,marital-status,occupation,relationship,race,sex,capital-gain,capital-loss,hours-per-week,native-country,income";
        var lines = new List<string> { header };
        for (var i = 0; i < 5000; i++)
        {
            // Quoted cells, a missing value, a label column that is dropped; 5,000 rows make three chunks.
            lines.Add(i % 2 == 0
                ? $"{20 + (i % 50)},State-gov,77516,Bachelors,13,Never-married,Adm-clerical,Not-in-family,White,Male,2174,0,40,United-States,<=50K"
                : $"{30 + (i % 40)}, ?,1234.5,\"Some-college\",10,\"Married, \"\"civ\"\"\",Sales,Husband,Black,Female,0,0,45,Peru,>50K");
        }
        await File.WriteAllLinesAsync(input, lines);
        var output = Path.Combine(Root, "blocks-out.csv");

        var result = await new BatchScorer(Model, Log, TimeProvider.System).ScoreAsync(input, output, new BatchOptions { Drop = ["income"], FlagInvalid = true }, default);

        var logged = await new PredictionLogReader(Store.Database).ReadAsync(new PredictionQuery(Model: "adult"), default).Where(r => r.RequestId == result.RunId).ToListAsync();
        logged.Count.ShouldBe((int)result.Scored);
        logged.Select(r => r.RowIndex).ShouldBe(Enumerable.Range(0, 5000));
        logged[0].InputJson.ShouldBe("""{"age":20,"workclass":"State-gov","fnlwgt":77516,"education":"Bachelors","education-num":13,"marital-status":"Never-married","occupation":"Adm-clerical","relationship":"Not-in-family","race":"White","sex":"Male","capital-gain":2174,"capital-loss":0,"hours-per-week":40,"native-country":"United-States"}""");
        var odd = logged.First(r => r.RowIndex == 1);
        odd.InputJson.ShouldBe("""{"age":31,"workclass":null,"fnlwgt":1234.5,"education":"Some-college","education-num":10,"marital-status":"Married, \"civ\"","occupation":"Sales","relationship":"Husband","race":"Black","sex":"Female","capital-gain":0,"capital-loss":0,"hours-per-week":45,"native-country":"Peru"}""");
        logged[0].FindingsJson.ShouldBeNull();
        odd.FindingsJson.ShouldNotBeNull().ShouldContain("fnlwgt");
        var written = (await File.ReadAllLinesAsync(output)).Skip(1).ToDictionary(l => int.Parse(l.Split(',')[0], System.Globalization.CultureInfo.InvariantCulture));
        foreach (var r in logged)
        {
            var cells = written[r.RowIndex].Split(',');
            var score = new ModelScore(double.Parse(cells[1], System.Globalization.CultureInfo.InvariantCulture), double.Parse(cells[2], System.Globalization.CultureInfo.InvariantCulture), cells[3]);
            r.OutputJson.ShouldBe(ScoreJson.Output(score, new System.Buffers.ArrayBufferWriter<byte>()));
            (r.Model, r.Source, r.LatencyMicros).ShouldBe(("adult", "batch", 0L));
        }
        var firstFive = await new PredictionLogReader(Store.Database).ReadAsync(new PredictionQuery(Model: "adult", Limit: 5), default).ToListAsync();
        firstFive.Select(r => r.RowIndex).ShouldBe(logged.Take(5).Select(r => r.RowIndex));
    }

    [Fact]
    public async Task Each_output_line_is_the_row_number_and_the_models_answer_in_round_trip_form()
    {
        // Pins the output text to the model's own answer formatted the plain way (string "R"
        // formatting, label quoted only when it must be), independently of the scorer's UTF-8
        // writer: the first 600 clean adult.test rows.
        var input = Path.Combine(Root, "golden.csv");
        var rows = (await File.ReadAllLinesAsync(TestBundles.DataPath("adult", "adult.test"))).Where(l => l.Length > 0 && !l.StartsWith('#') && !l.StartsWith('|')).Take(600).ToList();
        await File.WriteAllLinesAsync(input, rows);
        var output = Path.Combine(Root, "golden-out.csv");

        await new BatchScorer(Model, Log, TimeProvider.System).ScoreAsync(input, output, new BatchOptions { Columns = TestBundles.AdultColumns, Drop = ["income"] }, default);

        var lines = await File.ReadAllLinesAsync(output);
        lines.Length.ShouldBe(rows.Count + 1);
        var inv = System.Globalization.CultureInfo.InvariantCulture;
        for (var i = 0; i < rows.Count; i++)
        {
            var cells = rows[i].Split(',').Select(c => c.Trim()).ToArray();
            var row = new Dictionary<string, object?>(StringComparer.Ordinal);
            for (var c = 0; c < cells.Length; c++)
            {
                if (TestBundles.AdultColumns[c] != "income")
                {
                    row[TestBundles.AdultColumns[c]] = cells[c] is "" or "?" ? null
                        : double.TryParse(cells[c], System.Globalization.NumberStyles.Float, inv, out var d) ? d : cells[c];
                }
            }
            var findings = new List<FieldFinding>();
            Model.Validate(row, i, findings);
            if (findings.Count > 0)
            {
                continue;
            }
            var score = Model.Score(row);
            var label = score.Label!.Contains(',', StringComparison.Ordinal) ? "\"" + score.Label + "\"" : score.Label;
            lines[i + 1].ShouldBe($"{i},{score.Score.ToString("R", inv)},{score.Probability!.Value.ToString("R", inv)},{label},");
        }
    }

    [Fact]
    public async Task The_typed_path_and_the_dictionary_path_write_the_same_output_and_log_the_same_predictions()
    {
        // adult.test, then rows that exercise each way out of the typed path: quotes, unknown and
        // missing categories, a number where text is expected and text where a number is, out of
        // range, a wrong cell count is left out (it stops the run).
        var input = Path.Combine(Root, "parity.csv");
        var lines = (await File.ReadAllLinesAsync(TestBundles.DataPath("adult", "adult.test"))).Where(l => !l.StartsWith('|')).ToList();
        lines.AddRange(
        [
            "39, \"State-gov\", 77516, Bachelors, 13, Never-married, Adm-clerical, Not-in-family, White, Male, 2174, 0, 40, United-States, <=50K.",
            "39, Space-gov, 77516, Bachelors, 13, Never-married, Adm-clerical, Not-in-family, White, Male, 2174, 0, 40, Atlantis, <=50K.",
            "39, ?, 77516, Bachelors, 13, Never-married, ?, Not-in-family, White, Male, 2174, 0, 40, ?, <=50K.",
            "39, 12, 77516, Bachelors, 13, Never-married, Adm-clerical, Not-in-family, White, Male, 2174, 0, 40, United-States, <=50K.",
            "forty, State-gov, 77516, Bachelors, 13, Never-married, Adm-clerical, Not-in-family, White, Male, 2174, 0, 40, United-States, <=50K.",
            "390, State-gov, -5, Bachelors, 13.5, Never-married, Adm-clerical, Not-in-family, White, Male, 2174, 0, 40, United-States, <=50K.",
            ", State-gov, 77516, Bachelors, 13, Never-married, Adm-clerical, Not-in-family, White, Male, 2174, 0, 40, United-States, <=50K.",
            // Cells the typed path's one-pass reader must read as the dictionary path does: signs,
            // exponents, leading zeros, 16 digits, a lone minus, whitespace inside, after and before.
            "+39, State-gov, 0077516 , Bachelors, 1e1, Never-married, Adm-clerical, Not-in-family, White, Male, 2174\t, -0, 40, United-States, <=50K.",
            "3 9, State-gov, 1234567890123456, Bachelors, 13, Never-married, Adm-clerical, Not-in-family, White, Male, -, 0, 4\u00a00, United-States\u00a0, <=50K.",
            "\t39, State-gov, 77516, Bachelors, 13, Never-married, Adm-clerical, Not-in-family, White, Male, 2174, -12, 40\u2003, United-States , <=50K.",
            // Commas and quotes found 32 characters at a time: quotes inside the second and
            // fourth 32-character block, commas at other offsets, a cell across a block boundary,
            // a line shorter than one block.
            "39, State-gov, 77516, Bachelors, 13, Never-married, \"Adm-clerical\", Not-in-family, White, Male, 2174, 0, 40, United-States, <=50K.",
            "39, State-gov, 77516, Bachelors, 13, Never-married, Adm-clerical, Not-in-family, White, Male, 2174, 0, 40, \"United-States\", <=50K.",
            "39,State-gov,77516,Bachelors,13,Never-married,Adm-clerical,Not-in-family,White,Male,2174,0,40,United-States,<=50K.",
            "39,                              State-gov,                77516, Bachelors, 13, Never-married, Adm-clerical, Not-in-family, White, Male, 2174, 0, 40, United-States, <=50K.",
            "17,?,1,?,1,?,?,?,?,?,0,0,1,?,x",
        ]);
        await File.WriteAllLinesAsync(input, lines);
        var results = new List<(BatchResult Result, string Output, List<PredictionRecord> Logged)>();
        foreach (var (typed, flag) in new[] { (true, false), (false, false), (true, true), (false, true) })
        {
            var output = Path.Combine(Root, $"parity-{typed}-{flag}.csv");
            var scorer = new BatchScorer(Model, Log, TimeProvider.System) { TypedPath = typed };
            var result = await scorer.ScoreAsync(input, output, new BatchOptions { Columns = TestBundles.AdultColumns, Drop = ["income"], FlagInvalid = flag }, default);
            var logged = await new PredictionLogReader(Store.Database).ReadAsync(new PredictionQuery(), default).Where(r => r.RequestId == result.RunId).ToListAsync();
            results.Add((result, await File.ReadAllTextAsync(output), logged));
        }

        foreach (var pair in new[] { (results[0], results[1]), (results[2], results[3]) })
        {
            var (typed, dictionary) = pair;
            (typed.Result.Rows, typed.Result.Scored, typed.Result.Invalid).ShouldBe((dictionary.Result.Rows, dictionary.Result.Scored, dictionary.Result.Invalid));
            typed.Output.ShouldBe(dictionary.Output);
            typed.Logged.Select(r => (r.RowIndex, r.InputJson, r.OutputJson, r.FindingsJson)).ShouldBe(dictionary.Logged.Select(r => (r.RowIndex, r.InputJson, r.OutputJson, r.FindingsJson)));
        }
        results[0].Result.Rows.ShouldBe(16296);
        results[2].Result.Scored.ShouldBe(16296);
        results[0].Result.Invalid.ShouldBeGreaterThanOrEqualTo(3);
    }

    [Fact]
    public async Task A_run_logged_compressed_lists_and_exports_the_same_predictions_as_a_run_logged_uncompressed_in_a_few_times_less_space()
    {
        // adult.test plus rows that take the dictionary path and rows with findings (flagged, so logged).
        var input = Path.Combine(Root, "formats.csv");
        var lines = (await File.ReadAllLinesAsync(TestBundles.DataPath("adult", "adult.test"))).Where(l => !l.StartsWith('|')).ToList();
        lines.Add("39, \"State-gov\", 77516, Bachelors, 13, Never-married, Adm-clerical, Not-in-family, White, Male, 2174, 0, 40, United-States, <=50K.");
        lines.Add("390, Space-gov, -5, Bachelors, 13.5, Never-married, ?, Not-in-family, White, Male, 2174, 0, 40, Atlantis, <=50K.");
        await File.WriteAllLinesAsync(input, lines);
        var runs = new List<(BatchResult Result, string Output, string Export, long Bytes)>();
        foreach (var compress in new[] { true, false })
        {
            var output = Path.Combine(Root, $"formats-{compress}.csv");
            var scorer = new BatchScorer(Model, Log, TimeProvider.System) { CompressLog = compress };
            var result = await scorer.ScoreAsync(input, output, new BatchOptions { Columns = TestBundles.AdultColumns, Drop = ["income"], FlagInvalid = true }, default);
            var records = new PredictionLogReader(Store.Database).ReadAsync(new PredictionQuery(), default)
                .Where(r => r.RequestId == result.RunId)
                .Select(r => r with { RequestId = "run", At = DateTimeOffset.UnixEpoch });
            using var csv = new MemoryStream();
            (await PredictionExporter.WriteCsvAsync(records, csv, default)).ShouldBe(result.Scored);
            await using var connection = await Store.Database.OpenConnectionAsync(default);
            await using var sizes = connection.CreateCommand();
            sizes.CommandText = "SELECT sum(length(block)) FROM predictions WHERE request_id = $r";
            sizes.Parameters.AddWithValue("$r", result.RunId);
            runs.Add((result, await File.ReadAllTextAsync(output), System.Text.Encoding.UTF8.GetString(csv.ToArray()), (long)(await sizes.ExecuteScalarAsync())!));
        }

        var (compressed, raw) = (runs[0], runs[1]);
        compressed.Result.Scored.ShouldBe(16283);
        compressed.Output.ShouldBe(raw.Output);
        compressed.Export.ShouldBe(raw.Export);
        compressed.Bytes.ShouldBeLessThan(raw.Bytes / 3);
        await using (var connection = await Store.Database.OpenConnectionAsync(default))
        {
            await using var formats = connection.CreateCommand();
            formats.CommandText = "SELECT DISTINCT substr(block, 1, 1) FROM predictions WHERE request_id = $r";
            formats.Parameters.AddWithValue("$r", compressed.Result.RunId);
            ((byte[])(await formats.ExecuteScalarAsync())!).ShouldBe([PredictionBlockFormat.CompressedVersion]);
        }
    }

    [Fact]
    public async Task A_damaged_block_in_the_store_is_a_store_error_naming_its_run_not_a_crash()
    {
        var input = Path.Combine(Root, "damaged.csv");
        var rows = (await File.ReadAllLinesAsync(TestBundles.DataPath("adult", "adult.test"))).Where(l => l.Length > 0 && !l.StartsWith('|')).Take(300).ToList();
        await File.WriteAllLinesAsync(input, rows);
        // Cut the block short, as a disk fault or a foreign writer might; damage its column count to
        // a negative number (an array size, not a range: it failed as an OverflowException); or
        // store text where the bytes were (SQLite's || makes text: it failed as an InvalidCastException).
        string[] damages =
        [
            "substr(block, 1, length(block) - 40)",
            "CAST(substr(block, 1, 1) || X'FFFFFFFF' || substr(block, 6) AS BLOB)",
            "substr(block, 1, 1) || X'FFFFFFFF' || substr(block, 6)",
        ];
        foreach (var (compress, damage) in new[] { true, false }.SelectMany(c => damages.Select(d => (c, d))))
        {
            var result = await new BatchScorer(Model, Log, TimeProvider.System) { CompressLog = compress }
                .ScoreAsync(input, Path.Combine(Root, "damaged-out.csv"), new BatchOptions { Columns = TestBundles.AdultColumns, Drop = ["income"] }, default);
            await using (var connection = await Store.Database.OpenConnectionAsync(default))
            {
                await using var cut = connection.CreateCommand();
                cut.CommandText = $"UPDATE predictions SET block = {damage} WHERE request_id = $r";
                cut.Parameters.AddWithValue("$r", result.RunId);
                (await cut.ExecuteNonQueryAsync()).ShouldBe(1);
            }

            var error = await Should.ThrowAsync<Lockstep.Errors.StoreException>(async () =>
                await new PredictionLogReader(Store.Database).ReadAsync(new PredictionQuery(), default).ToListAsync());

            error.Message.ShouldContain(result.RunId);
            error.Message.ShouldContain("damaged");
            await using (var connection = await Store.Database.OpenConnectionAsync(default))
            {
                await using var drop = connection.CreateCommand();
                drop.CommandText = "DELETE FROM predictions WHERE request_id = $r";
                drop.Parameters.AddWithValue("$r", result.RunId);
                await drop.ExecuteNonQueryAsync();
            }
        }
    }
}
