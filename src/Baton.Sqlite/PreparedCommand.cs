using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace Baton.Sqlite;

/// <summary>
/// A statement prepared once on the writer connection and re-executed with new values, straight through
/// SQLite's C API: parameters are bound by index (resolved once), with no per-execution reader objects.
/// The writer executes a handful of these per step, so this is the hottest code in the provider.
/// </summary>
internal sealed class PreparedCommand : IDisposable
{
    private readonly sqlite3 _db;
    private readonly sqlite3_stmt _statement;
    private readonly int[] _indexes;
    private readonly RowReader _reader;

    public PreparedCommand(SqliteConnection connection, string sql, params string[] parameterNames)
    {
        _db = connection.Handle ?? throw new InvalidOperationException("The connection is not open");
        Check(raw.sqlite3_prepare_v2(_db, sql, out _statement));
        _indexes = new int[parameterNames.Length];
        for (var i = 0; i < parameterNames.Length; i++)
        {
            _indexes[i] = raw.sqlite3_bind_parameter_index(_statement, parameterNames[i]);
            if (_indexes[i] == 0)
            {
                throw new ArgumentException($"Parameter {parameterNames[i]} does not occur in: {sql}", nameof(parameterNames));
            }
        }

        _reader = new RowReader(this);
    }

    public PreparedCommand Bind(params object?[] values)
    {
        for (var i = 0; i < values.Length; i++)
        {
            var index = _indexes[i];
            var rc = values[i] switch
            {
                null => raw.sqlite3_bind_null(_statement, index),
                string s => raw.sqlite3_bind_text(_statement, index, s),
                long l => raw.sqlite3_bind_int64(_statement, index, l),
                int n => raw.sqlite3_bind_int64(_statement, index, n),
                bool b => raw.sqlite3_bind_int64(_statement, index, b ? 1 : 0),
                double d => raw.sqlite3_bind_double(_statement, index, d),
                var other => throw new ArgumentException($"Cannot bind a {other.GetType().Name}"),
            };
            Check(rc);
        }

        return this;
    }

    /// <summary>Runs the statement to completion; returns the rows it changed.</summary>
    public int Execute()
    {
        try
        {
            int rc;
            while ((rc = raw.sqlite3_step(_statement)) == raw.SQLITE_ROW)
            {
            }

            Check(rc);
            return raw.sqlite3_changes(_db);
        }
        finally
        {
            raw.sqlite3_reset(_statement);
        }
    }

    /// <summary>Runs the statement and returns the first column of the first row (null when none or NULL).</summary>
    public object? Scalar()
    {
        using var reader = Read();
        if (!reader.Read() || reader.IsDBNull(0))
        {
            return null;
        }

        return raw.sqlite3_column_type(_statement, 0) == raw.SQLITE_INTEGER ? reader.GetInt64(0) : reader.GetString(0);
    }

    /// <summary>Starts reading rows; dispose the reader to reset the statement.</summary>
    public RowReader Read() => _reader;

    public void Dispose() => _statement.Dispose();

    private void Check(int rc)
    {
        if (rc is not (raw.SQLITE_OK or raw.SQLITE_DONE or raw.SQLITE_ROW))
        {
            throw new SqliteException($"SQLite error {rc}: {raw.sqlite3_errmsg(_db).utf8_to_string()}", rc, raw.sqlite3_extended_errcode(_db));
        }
    }

    /// <summary>Reads the rows of one execution of the statement.</summary>
    internal sealed class RowReader(PreparedCommand command) : IDisposable
    {
        public bool Read()
        {
            var rc = raw.sqlite3_step(command._statement);
            if (rc == raw.SQLITE_ROW)
            {
                return true;
            }

            command.Check(rc);
            return false;
        }

        public bool IsDBNull(int ordinal) => raw.sqlite3_column_type(command._statement, ordinal) == raw.SQLITE_NULL;

        public long GetInt64(int ordinal) => raw.sqlite3_column_int64(command._statement, ordinal);

        public int GetInt32(int ordinal) => raw.sqlite3_column_int(command._statement, ordinal);

        public string GetString(int ordinal) => raw.sqlite3_column_text(command._statement, ordinal).utf8_to_string();

        public void Dispose() => raw.sqlite3_reset(command._statement);
    }
}

/// <summary>Conversions between Baton values and SQLite columns.</summary>
internal static class Db
{
    public static long Ms(DateTimeOffset value) => value.ToUnixTimeMilliseconds();

    public static object? Ms(DateTimeOffset? value) => value?.ToUnixTimeMilliseconds();

    public static DateTimeOffset Time(long ms) => DateTimeOffset.FromUnixTimeMilliseconds(ms);

    public static DateTimeOffset? Time(SqliteDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : Time(reader.GetInt64(ordinal));

    public static string? Text(SqliteDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetString(ordinal);

    public static string? Text(PreparedCommand.RowReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetString(ordinal);
}
