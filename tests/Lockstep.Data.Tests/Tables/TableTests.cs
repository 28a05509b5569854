using Lockstep.Data.Tables;

namespace Lockstep.Data.Tests.Tables;

public sealed class TableTests
{
    private static Table Sample() => new([
        Column.FromInt64("id", [1, 2, null]),
        Column.FromString("name", ["a", null, "c"]),
        Column.FromDouble("x", [1.5, double.NaN, null]),
        Column.FromBoolean("flag", [true, false, null]),
    ]);

    [Fact]
    public void Columns_are_found_by_name_and_report_values_and_nulls()
    {
        var t = Sample();
        t.RowCount.ShouldBe(3);
        t["id"].GetInt64(0).ShouldBe(1);
        t["id"].IsNull(2).ShouldBeTrue();
        t["name"].GetValue(1).ShouldBeNull();
        t["name"].GetValue(2).ShouldBe("c");
        t["flag"].GetBoolean(1).ShouldBe(false);
        t["id"].GetDouble(1).ShouldBe(2.0);
        t["x"].NullCount.ShouldBe(1);
    }

    [Fact]
    public void Select_takes_rows_in_the_given_order_with_repeats()
    {
        var t = Sample().Select([2, 0, 0]);
        t.RowCount.ShouldBe(3);
        t["name"].GetString(0).ShouldBe("c");
        t["name"].GetString(1).ShouldBe("a");
        t["id"].GetInt64(2).ShouldBe(1);
    }

    [Fact]
    public void A_table_rejects_duplicate_names_and_ragged_columns()
    {
        Should.Throw<ArgumentException>(() => new Table([Column.FromInt64("a", [1]), Column.FromInt64("a", [2])]));
        Should.Throw<ArgumentException>(() => new Table([Column.FromInt64("a", [1]), Column.FromInt64("b", [2, 3])]));
    }

    [Fact]
    public void Asking_for_a_missing_column_names_the_columns_that_exist()
    {
        var e = Should.Throw<KeyNotFoundException>(() => Sample()["nope"]);
        e.Message.ShouldContain("'id'");
    }

    [Fact]
    public void A_typed_accessor_of_the_wrong_type_says_what_the_column_is()
    {
        var e = Should.Throw<InvalidOperationException>(() => Sample()["name"].GetInt64(0));
        e.Message.ShouldContain("string");
    }
}
