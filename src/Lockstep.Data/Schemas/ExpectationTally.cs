namespace Lockstep.Data.Schemas;

/// <summary>Counts the rows that break one expectation and keeps the first few row numbers.</summary>
internal sealed class ExpectationTally(string column, string expectation, int rank)
{
    private const int SampleRows = 5;
    private readonly List<long> _rows = [];
    private string? _firstObserved;

    public long Count { get; private set; }

    public void Add(long row, string observed)
    {
        Count++;
        _firstObserved ??= observed;
        if (_rows.Count < SampleRows)
        {
            _rows.Add(row);
        }
    }

    public Finding? ToFinding(long totalRows) => Count == 0
        ? null
        : new Finding(column, expectation, Count == 1 ? _firstObserved! : $"{Count} of {totalRows} rows, e.g. {_firstObserved}", Count, _rows.ToArray()) { Rank = rank };
}
