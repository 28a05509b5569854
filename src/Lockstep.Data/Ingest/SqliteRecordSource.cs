using Microsoft.Data.Sqlite;

namespace Lockstep.Data.Ingest;

/// <summary>Rows of a SQL query against a SQLite database file, opened read-only.</summary>
internal sealed class SqliteRecordSource : IRecordSource
{
    private readonly SqliteConnection _connection;
    private readonly SqliteCommand _command;
    private readonly SqliteDataReader _reader;
    private readonly FieldBuffer _fields = new();

    private SqliteRecordSource(string description, SqliteConnection connection, SqliteCommand command, SqliteDataReader reader)
    {
        Description = description;
        _connection = connection;
        _command = command;
        _reader = reader;
        Header = Enumerable.Range(0, reader.FieldCount).Select(reader.GetName).ToArray();
    }

    public string Description { get; }

    public IReadOnlyList<string>? Header { get; }

    public int FieldCount => _fields.Count;

    public long Line { get; private set; }

    public long Offset => -1;

    public ReadOnlySpan<byte> Raw => _fields.Raw;

    public static Func<CancellationToken, ValueTask<IRecordSource>> Open(string path, string description, string query) => async ct =>
    {
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ToString());
        try
        {
            await connection.OpenAsync(ct).ConfigureAwait(false);
            var command = connection.CreateCommand();
            command.CommandText = query;
            var reader = await command.ExecuteReaderAsync(ct).ConfigureAwait(false);
            return new SqliteRecordSource($"{description} (query)", connection, command, reader);
        }
        catch (SqliteException e)
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw new DataException($"{description}: the SQLite query failed: {e.Message}. Check 'query' (e.g. run it in the sqlite3 shell)");
        }
    };

    public ReadOnlySpan<byte> Field(int index) => _fields.Field(index);

    public bool IsNull(int index) => _fields.IsNull(index);

    public async ValueTask<bool> ReadAsync(CancellationToken cancellationToken)
    {
        try
        {
            if (!await _reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                return false;
            }
        }
        catch (SqliteException e)
        {
            // A source file damaged after its first rows: this source's error, not the store's.
            throw new DataException($"{Description} row {Line + 1}: reading the SQLite file failed: {e.Message.TrimEnd('.')}. Check the file (sqlite3 FILE 'PRAGMA quick_check')");
        }
        Line++;
        _fields.Clear();
        for (var i = 0; i < _reader.FieldCount; i++)
        {
            if (_reader.IsDBNull(i))
            {
                _fields.AddNull();
                continue;
            }
            var v = _reader.GetValue(i);
            switch (v)
            {
                case long l: _fields.Add(l); break;
                case double d: _fields.Add(d); break;
                case string s: _fields.Add(s); break;
                default: throw new DataException($"{Description} row {Line}, column '{_reader.GetName(i)}': a {v.GetType().Name} value (BLOB) cannot be ingested; select it as text (e.g. hex({_reader.GetName(i)}))");
            }
        }
        return true;
    }

    public async ValueTask DisposeAsync()
    {
        await _reader.DisposeAsync().ConfigureAwait(false);
        await _command.DisposeAsync().ConfigureAwait(false);
        await _connection.DisposeAsync().ConfigureAwait(false);
    }
}
