using NpgsqlTypes;

namespace Baton.Postgres;

/// <summary>
/// The set-based form of a row statement of the writer (<see cref="PgCommand.Set"/>): when one pipelined round holds the
/// row statement several times, the round sends this statement once with every call's values as arrays (<c>unnest … WITH
/// ORDINALITY</c>) instead of one statement per call. PostgreSQL then parses, plans and executes one statement for the
/// whole round, where it paid that per call before: on the single writer backend this per-statement cost was the largest
/// part of a run's server time.
/// </summary>
/// <remarks>
/// The statement takes one array per parameter of the row statement, in the same order, and returns the row statement's
/// columns followed by <c>ord</c>, the 1-based position of the call whose row it is. A call whose statement returns no row
/// (a fence that failed) simply gets no row. Calls with the same <see cref="Key"/> (the same step, the same run) never
/// share one set statement — PostgreSQL refuses an upsert that touches a row twice, and the second must see the first's
/// effect — so a repeated key is sent as its own statement after the set statement.
/// </remarks>
internal sealed class PgSetStatement
{
    public PgSetStatement(string sql, Func<object?[], string> key)
    {
        Sql = sql;
        Key = key;
    }

    /// <summary>The set-based SQL: arrays in, the row statement's columns plus <c>ord</c> out.</summary>
    public string Sql { get; }

    /// <summary>What must differ between the calls merged into one statement (e.g. run id and step id).</summary>
    public Func<object?[], string> Key { get; }

    /// <summary>The array type of a row parameter's type.</summary>
    public static NpgsqlDbType ArrayOf(NpgsqlDbType type) => NpgsqlDbType.Array | type;

    /// <summary>Column <paramref name="column"/> of every call, as a typed array (nullable elements: a call may pass null).</summary>
    public static object Column(IReadOnlyList<object?[]> calls, int column, NpgsqlDbType type) => type switch
    {
        NpgsqlDbType.Text => CollectText(calls, column),
        NpgsqlDbType.Bigint => CollectValues<long>(calls, column),
        NpgsqlDbType.Integer => CollectValues<int>(calls, column),
        NpgsqlDbType.Smallint => CollectValues<short>(calls, column),
        NpgsqlDbType.Boolean => CollectValues<bool>(calls, column),
        _ => throw new NotSupportedException($"No set-based form for parameters of type {type}"),
    };

    private static string?[] CollectText(IReadOnlyList<object?[]> calls, int column)
    {
        var values = new string?[calls.Count];
        for (var i = 0; i < calls.Count; i++)
        {
            values[i] = (string?)calls[i][column];
        }

        return values;
    }

    private static T?[] CollectValues<T>(IReadOnlyList<object?[]> calls, int column)
        where T : struct
    {
        var values = new T?[calls.Count];
        for (var i = 0; i < calls.Count; i++)
        {
            values[i] = calls[i][column] is { } value ? (T)value : null;
        }

        return values;
    }
}
