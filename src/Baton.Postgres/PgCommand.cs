using Npgsql;
using NpgsqlTypes;

namespace Baton.Postgres;

/// <summary>
/// A statement of the writer connection. Executed alone it is prepared once and re-executed with new values;
/// while the writer applies a batch's commands together (<see cref="PgPipeline"/>), each execution joins the
/// pipeline and is sent with the other statements of its round.
/// </summary>
internal sealed class PgCommand : IDisposable
{
    private readonly NpgsqlCommand _command;
    private readonly PgPipeline _pipeline;

    public PgCommand(NpgsqlConnection connection, PgPipeline pipeline, string sql, params NpgsqlDbType[] types)
    {
        _pipeline = pipeline;
        Sql = sql;
        Types = types;
        _command = new NpgsqlCommand(sql, connection);
        foreach (var type in types)
        {
            _command.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = type });
        }
    }

    public string Sql { get; }

    public IReadOnlyList<NpgsqlDbType> Types { get; }

    /// <summary>The statement's set-based form, used when a pipelined round holds it more than once; null when it has none.</summary>
    public PgSetStatement? Set { get; set; }

    /// <summary>The statement with these values (copied: the same statement may be pending several times in one round).</summary>
    public PgCall Bind(params object?[] values) => new(this, values);

    public async ValueTask PrepareAsync() => await _command.PrepareAsync().ConfigureAwait(false);

    public void Dispose() => _command.Dispose();

    /// <summary>A statement without result rows: the number of rows it changed.</summary>
    internal ValueTask<int> ExecuteAsync(object?[] values)
        => _pipeline.Active ? new ValueTask<int>(_pipeline.Execute(this, values)) : ExecuteNowAsync(values);

    /// <summary>A statement with result rows (a SELECT, a RETURNING): one value per row.</summary>
    internal ValueTask<List<T>> QueryAsync<T>(object?[] values, Func<NpgsqlDataReader, T> row)
        => _pipeline.Active ? new ValueTask<List<T>>(_pipeline.Query(this, values, row)) : QueryNowAsync(values, row);

    private async ValueTask<int> ExecuteNowAsync(object?[] values)
    {
        SetValues(values);
        return await _command.ExecuteNonQueryAsync().ConfigureAwait(false);
    }

    private async ValueTask<List<T>> QueryNowAsync<T>(object?[] values, Func<NpgsqlDataReader, T> row)
    {
        SetValues(values);
        var rows = new List<T>();
        var reader = await _command.ExecuteReaderAsync().ConfigureAwait(false);
        await using (reader.ConfigureAwait(false))
        {
            while (await reader.ReadAsync().ConfigureAwait(false))
            {
                rows.Add(row(reader));
            }
        }

        return rows;
    }

    private void SetValues(object?[] values)
    {
        for (var i = 0; i < values.Length; i++)
        {
            _command.Parameters[i].Value = values[i] ?? DBNull.Value;
        }
    }
}

/// <summary>A <see cref="PgCommand"/> bound to values, ready to execute.</summary>
internal readonly struct PgCall(PgCommand command, object?[] values)
{
    public ValueTask<int> ExecuteAsync() => command.ExecuteAsync(values);

    public ValueTask<List<T>> QueryAsync<T>(Func<NpgsqlDataReader, T> row) => command.QueryAsync(values, row);

    /// <summary>The first column of the first row, or null.</summary>
    public async ValueTask<object?> ScalarAsync()
    {
        var rows = await command.QueryAsync(values, static r => r.IsDBNull(0) ? null : r.GetValue(0)).ConfigureAwait(false);
        return rows.Count == 0 ? null : rows[0];
    }
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
