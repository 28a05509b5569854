using Lockstep.Errors;
using Microsoft.Data.Sqlite;

namespace Lockstep.Stores.Sqlite;

/// <summary>
/// Turns a failure of the store's database that reached a command (a damaged file, a full disk, a
/// read-only folder, a lock held past the busy timeout) into a store error: a message that says
/// what happened to which file and what to do, and exit code 3 — not an "internal error".
/// </summary>
public static class StoreFailure
{
    public static StoreException From(SqliteException e, string databasePath)
    {
        ArgumentNullException.ThrowIfNull(e);
        var what = e.Message.TrimEnd('.');
        var advice = (e.SqliteErrorCode & 0xFF) switch
        {
            11 or 26 => "the file is damaged: 'lockstep verify' lists what SQLite finds; restore it from a backup, or recover what can be read with 'sqlite3 FILE .recover'",
            13 => "the disk is full: free space and run the command again (nothing stored so far is lost)",
            8 => "the store is read-only: give this user write access to the store folder",
            5 or 6 => $"another process held the store for more than {SqliteDatabase.BusyTimeoutSeconds} s: wait for it to finish and run the command again",
            10 or 14 => "the file could not be read or written: check the disk and the store folder's permissions",
            _ => "run 'lockstep verify' to check the store",
        };
        return new StoreException($"the store database {databasePath} failed: {what}; {advice}", e);
    }
}
