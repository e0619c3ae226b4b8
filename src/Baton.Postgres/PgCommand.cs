using Npgsql;
using NpgsqlTypes;

namespace Baton.Postgres;

/// <summary>A statement prepared once on the writer connection and re-executed with new values.</summary>
internal sealed class PgCommand : IDisposable
{
    private readonly NpgsqlCommand _command;

    public PgCommand(NpgsqlConnection connection, string sql, params NpgsqlDbType[] types)
    {
        _command = new NpgsqlCommand(sql, connection);
        foreach (var type in types)
        {
            _command.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = type });
        }
    }

    public PgCommand Bind(params object?[] values)
    {
        for (var i = 0; i < values.Length; i++)
        {
            _command.Parameters[i].Value = values[i] ?? DBNull.Value;
        }

        return this;
    }

    public async ValueTask PrepareAsync() => await _command.PrepareAsync().ConfigureAwait(false);

    public async ValueTask<int> ExecuteAsync() => await _command.ExecuteNonQueryAsync().ConfigureAwait(false);

    public async ValueTask<object?> ScalarAsync()
    {
        var value = await _command.ExecuteScalarAsync().ConfigureAwait(false);
        return value is DBNull ? null : value;
    }

    public async ValueTask<NpgsqlDataReader> ReadAsync() => await _command.ExecuteReaderAsync().ConfigureAwait(false);

    public void Dispose() => _command.Dispose();
}

/// <summary>Conversions between Baton values and PostgreSQL columns.</summary>
internal static class Pg
{
    public static long Ms(DateTimeOffset value) => value.ToUnixTimeMilliseconds();

    public static object? Ms(DateTimeOffset? value) => value?.ToUnixTimeMilliseconds();

    public static DateTimeOffset Time(long ms) => DateTimeOffset.FromUnixTimeMilliseconds(ms);

    public static DateTimeOffset? Time(NpgsqlDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : Time(reader.GetInt64(ordinal));

    public static string? Text(NpgsqlDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetString(ordinal);
}
