using Lockstep.Errors;
using Lockstep.Stores.Sqlite.Migrations;
using Microsoft.Data.Sqlite;

namespace Lockstep.Stores.Sqlite;

/// <summary>
/// The store's SQLite file: WAL journal, a busy timeout so that several processes can share it,
/// foreign keys on, and numbered migrations applied in one transaction each. Connections are
/// pooled; open one per operation.
/// </summary>
public sealed class SqliteDatabase
{
    /// <summary>How long a writer waits for another process's transaction before failing.</summary>
    public const int BusyTimeoutSeconds = 60;

    private static Task? _warmUp;

    /// <summary>
    /// The native connections whose per-connection settings are made: a pooled connection keeps
    /// them across Close and Open, so they are set once per native connection rather than before
    /// every operation (≈ 10 operations in a cached run, one of them per step on its dependency
    /// chain). Keyed by the pool's handle object, so a closed and re-created connection is a new key.
    /// </summary>
    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<object, object> Configured = new();

    private readonly string _connectionString;

    private SqliteDatabase(string path)
    {
        Path = path;
        _connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = path,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Cache = SqliteCacheMode.Private,
            Pooling = true,
            DefaultTimeout = BusyTimeoutSeconds,
        }.ToString();
    }

    public string Path { get; }

    /// <summary>The schema version this build writes and reads.</summary>
    public static int CurrentVersion => AllMigrations.List.Max(m => m.Version);

    /// <summary>
    /// Starts loading SQLite on a thread-pool thread: the native library, the SQLitePCL provider
    /// (found by reflection), the connection pool and the interop stubs the JIT compiles for every
    /// native function a store open calls (ReadyToRun cannot precompile stubs that marshal
    /// SafeHandles). That is ≈ 15-20 ms of a cached run's start-up; started before the command
    /// line is parsed, it runs on the second core while the pipeline loads.
    /// It touches no file (an in-memory database) and never fails: a real open that follows reports
    /// any error. Calling it again does nothing; <see cref="OpenAsync"/> waits for it.
    /// </summary>
    public static void StartWarmUp() => _warmUp ??= Task.Run(WarmUpAsync);

    private static async Task WarmUpAsync()
    {
        try
        {
            var db = new SqliteDatabase(":memory:");
            await using var connection = await db.OpenConnectionAsync(CancellationToken.None).ConfigureAwait(false);
            await using (var version = connection.CreateCommand())
            {
                version.CommandText = "PRAGMA user_version;";
                await version.ExecuteScalarAsync(CancellationToken.None).ConfigureAwait(false);
            }
            // The shapes a run record takes: a transaction (its hooks), parameters and columns of
            // every type the store binds and reads, NULLs. Each native function needs its own stub.
            await using var tx = (SqliteTransaction)await connection.BeginTransactionAsync(CancellationToken.None).ConfigureAwait(false);
            await using (var create = connection.CreateCommand())
            {
                create.Transaction = tx;
                create.CommandText = "CREATE TEMP TABLE warm_up (i INTEGER, d REAL, t TEXT, n TEXT); INSERT INTO warm_up VALUES ($i, $d, $t, $n);";
                create.Parameters.AddWithValue("$i", 1L);
                create.Parameters.AddWithValue("$d", 0.5);
                create.Parameters.AddWithValue("$t", "t");
                create.Parameters.AddWithValue("$n", DBNull.Value);
                await create.ExecuteNonQueryAsync(CancellationToken.None).ConfigureAwait(false);
            }
            await using (var select = connection.CreateCommand())
            {
                select.Transaction = tx;
                select.CommandText = "SELECT i, d, t, n FROM warm_up";
                await using var reader = await select.ExecuteReaderAsync(CancellationToken.None).ConfigureAwait(false);
                while (await reader.ReadAsync(CancellationToken.None).ConfigureAwait(false))
                {
                    _ = (reader.GetInt64(0), reader.GetInt32(0), reader.GetDouble(1), reader.GetString(2), reader.IsDBNull(3));
                }
            }
            await tx.CommitAsync(CancellationToken.None).ConfigureAwait(false);
        }
#pragma warning disable CA1031 // An optimisation only: the real open reports what went wrong.
        catch (Exception)
#pragma warning restore CA1031
        {
        }
    }

    public static async Task<SqliteDatabase> OpenAsync(string path, CancellationToken cancellationToken)
    {
        // Not at the same time as the warm-up: both would wait for the same type-load and stub locks.
        // Waited for on this thread, not awaited: the warm-up is a few milliseconds of CPU work
        // that never fails, and when it is still running, awaiting it suspended this method and
        // each one above it, which JIT-compiles their state machines' boxes (generic framework
        // code over our structs: ≈ 16 methods) and the builders' AwaitUnsafeOnCompleted with full
        // optimisation in the middle of a cached run (bench/core/RESULTS-core.md, session 6).
        _warmUp?.GetAwaiter().GetResult();
        var db = new SqliteDatabase(path);
        try
        {
            await using var connection = await db.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
            await db.MigrateAsync(connection, cancellationToken).ConfigureAwait(false);
        }
        catch (SqliteException e)
        {
            throw new StoreException($"cannot open the store database {path}: {e.Message.TrimEnd('.')}. If the file is damaged, restore it from a backup; 'lockstep verify' checks the objects.", e);
        }
        return db;
    }

    public async Task<SqliteConnection> OpenConnectionAsync(CancellationToken cancellationToken)
    {
        var connection = new SqliteConnection(_connectionString);
        await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
        var handle = connection.Handle!;
        if (!Configured.TryGetValue(handle, out _))
        {
            await using var pragma = connection.CreateCommand();
            pragma.CommandText = $"PRAGMA busy_timeout = {BusyTimeoutSeconds * 1000}; PRAGMA foreign_keys = ON; PRAGMA synchronous = NORMAL;";
            await pragma.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            Configured.AddOrUpdate(handle, Configured);
        }
        return connection;
    }

    /// <summary>
    /// SQLite's own consistency check of the database file (<c>PRAGMA quick_check</c>: every page,
    /// record and index entry well formed, in time linear in the file): the problems it lists, none
    /// when the file is sound. For <c>lockstep verify</c>; the objects are checked by their hashes.
    /// </summary>
    public async Task<IReadOnlyList<string>> QuickCheckAsync(CancellationToken cancellationToken)
    {
        await using var connection = await OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var check = connection.CreateCommand();
        check.CommandText = "PRAGMA quick_check;";
        var problems = new List<string>();
        try
        {
            await using var reader = await check.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                // One row per problem, or (this SQLite) one row of lines under a
                // "*** in database main ***" heading; "ok" alone when there are none.
                foreach (var line in reader.GetString(0).Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
                {
                    if (line is not ("ok" or "*** in database main ***"))
                    {
                        problems.Add(line);
                    }
                }
            }
        }
        catch (SqliteException e)
        {
            // A page so damaged the check itself cannot go on.
            problems.Add(e.Message.TrimEnd('.'));
        }
        return problems;
    }

    private async Task MigrateAsync(SqliteConnection connection, CancellationToken cancellationToken)
    {
        // Fast path for every open after the first: the header's user_version says which schema
        // the file has (set below once all migrations are in), so an up-to-date store costs one
        // read of the header instead of the WAL switch, a DDL statement and a table scan.
        // journal_mode = WAL is stored in the file, so it stays set.
        await using (var version = connection.CreateCommand())
        {
            version.CommandText = "PRAGMA user_version;";
            var current = Convert.ToInt32(await version.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false), System.Globalization.CultureInfo.InvariantCulture);
            if (current == CurrentVersion)
            {
                return;
            }
            if (current > CurrentVersion)
            {
                throw new StoreException($"the store {Path} has schema version {current}, newer than this Lockstep understands ({CurrentVersion}); upgrade Lockstep to use it");
            }
        }
        await using (var wal = connection.CreateCommand())
        {
            wal.CommandText = "PRAGMA journal_mode = WAL;";
            await wal.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
        }
        await using (var create = connection.CreateCommand())
        {
            create.CommandText = "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, description TEXT NOT NULL)";
            await create.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
        var applied = await AppliedAsync(connection, cancellationToken).ConfigureAwait(false);
        var newest = applied.Count == 0 ? 0 : applied.Max();
        if (newest > CurrentVersion)
        {
            throw new StoreException($"the store {Path} has schema version {newest}, newer than this Lockstep understands ({CurrentVersion}); upgrade Lockstep to use it");
        }
        foreach (var migration in AllMigrations.List.OrderBy(m => m.Version))
        {
            if (applied.Contains(migration.Version))
            {
                continue;
            }
            await using var tx = (SqliteTransaction)await connection.BeginTransactionAsync(System.Data.IsolationLevel.Serializable, cancellationToken).ConfigureAwait(false);
            // Another process may have applied it while we waited for the write lock.
            if ((await AppliedAsync(connection, cancellationToken, tx).ConfigureAwait(false)).Contains(migration.Version))
            {
                await tx.RollbackAsync(cancellationToken).ConfigureAwait(false);
                continue;
            }
            await using (var command = connection.CreateCommand())
            {
                command.Transaction = tx;
                command.CommandText = migration.Sql;
                await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }
            await using (var record = connection.CreateCommand())
            {
                record.Transaction = tx;
                // user_version lives in the file header, which the transaction covers: the row and
                // the header change together.
                record.CommandText = $"INSERT INTO schema_migrations(version, description) VALUES ($v, $d); PRAGMA user_version = {migration.Version};";
                record.Parameters.AddWithValue("$v", migration.Version);
                record.Parameters.AddWithValue("$d", migration.Description);
                await record.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }
            await tx.CommitAsync(cancellationToken).ConfigureAwait(false);
        }
        // A store written before the header carried the version: record it once everything is in.
        if ((await AppliedAsync(connection, cancellationToken).ConfigureAwait(false)).Max() == CurrentVersion)
        {
            await using var mark = connection.CreateCommand();
            mark.CommandText = $"PRAGMA user_version = {CurrentVersion};";
            await mark.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    private static async Task<HashSet<int>> AppliedAsync(SqliteConnection connection, CancellationToken cancellationToken, SqliteTransaction? tx = null)
    {
        var result = new HashSet<int>();
        await using var query = connection.CreateCommand();
        query.Transaction = tx;
        query.CommandText = "SELECT version FROM schema_migrations";
        await using var reader = await query.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            result.Add(reader.GetInt32(0));
        }
        return result;
    }
}
