using Npgsql;

namespace Baton.Postgres;

/// <summary>
/// Sends the statements of several commands of one transaction together. While <see cref="Active"/>, a
/// statement executed by a command does not go out at once: it joins the current round, and the command waits
/// for its result. <see cref="RunAsync"/> starts every command, then sends each round as one
/// <see cref="NpgsqlBatch"/> (one round trip), hands every statement its result — which lets its command go on
/// and queue its next statement for the next round — until no command waits. Statements go out in the order
/// the commands queued them, so a round keeps the batch's order. Calls of a statement that has a set-based form
/// (<see cref="PgSetStatement"/>: step writes, run finishes) go out as one statement per round with their values as
/// arrays, at the place of the round's first such call.
/// </summary>
internal sealed class PgPipeline
{
    private readonly NpgsqlConnection _connection;
    private readonly object _gate = new();
    private List<Pending> _round = [];

    public PgPipeline(NpgsqlConnection connection)
    {
        _connection = connection;
    }

    /// <summary>True while <see cref="RunAsync"/> applies commands together.</summary>
    public bool Active { get; private set; }

    /// <summary>Round trips made by the last <see cref="RunAsync"/>.</summary>
    public int Rounds { get; private set; }

    public Task<int> Execute(PgCommand command, object?[] values)
    {
        var pending = new PendingExecute(command, values);
        lock (_gate)
        {
            _round.Add(pending);
        }

        return pending.Completion.Task;
    }

    public Task<List<T>> Query<T>(PgCommand command, object?[] values, Func<NpgsqlDataReader, T> row)
    {
        var pending = new PendingQuery<T>(command, values, row);
        lock (_gate)
        {
            _round.Add(pending);
        }

        return pending.Completion.Task;
    }

    /// <summary>Starts every command and sends their statements round by round until all have completed.</summary>
    public async ValueTask RunAsync(IReadOnlyList<Func<ValueTask>> commands, CancellationToken cancellationToken)
    {
        var started = new ValueTask[commands.Count];
        Active = true;
        Rounds = 0;
        try
        {
            for (var i = 0; i < commands.Count; i++)
            {
                started[i] = commands[i]();
            }

            while (true)
            {
                List<Pending> round;
                lock (_gate)
                {
                    round = _round;
                    _round = [];
                }

                if (round.Count > 0)
                {
                    Rounds++;
                    await SendAsync(round, cancellationToken).ConfigureAwait(false);
                }
                else if (started.All(c => c.IsCompleted))
                {
                    break;
                }
                else
                {
                    // A command's continuation was scheduled rather than run inline (rare): let it queue its next
                    // statement or finish.
                    await Task.Yield();
                }
            }
        }
        finally
        {
            Active = false;
            lock (_gate)
            {
                _round = [];
            }
        }

        // Every command has completed by now; awaiting surfaces the first failure.
        Exception? failure = null;
        foreach (var command in started)
        {
            try
            {
                await command.ConfigureAwait(false);
            }
            catch (Exception e)
            {
                failure ??= e;
            }
        }

        if (failure is not null)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(failure);
        }
    }

    private async ValueTask SendAsync(List<Pending> round, CancellationToken cancellationToken)
    {
        var statements = Group(round);
        var batch = new NpgsqlBatch(_connection);
        await using (batch.ConfigureAwait(false))
        {
            foreach (var statement in statements)
            {
                batch.BatchCommands.Add(statement.Count == 1 ? RowStatement(statement[0]) : SetStatement(statement));
            }

            try
            {
                var reader = await batch.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                await using (reader.ConfigureAwait(false))
                {
                    // The reader skips statements without a result set (their row counts are on their batch
                    // command); each statement with one (a SELECT, a RETURNING) has its own, in order.
                    var first = true;
                    foreach (var statement in statements)
                    {
                        if (!statement[0].ReturnsRows)
                        {
                            continue;
                        }

                        if (!first && !await reader.NextResultAsync(cancellationToken).ConfigureAwait(false))
                        {
                            throw new InvalidOperationException("The pipelined batch returned fewer result sets than it has queries");
                        }

                        first = false;
                        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                        {
                            // A set statement's last column says whose row it is (1-based position in the statement).
                            var owner = statement.Count == 1 ? statement[0] : statement[(int)reader.GetInt64(reader.FieldCount - 1) - 1];
                            owner.AddRow(reader);
                        }
                    }
                }
            }
            catch (Exception e)
            {
                foreach (var pending in round)
                {
                    pending.Fail(e);
                }

                return;
            }

            // Results are handed out once the reader is closed: a command that goes on queues its next statement
            // for the next round.
            for (var i = 0; i < statements.Count; i++)
            {
                foreach (var pending in statements[i])
                {
                    pending.Complete(batch.BatchCommands[i].RecordsAffected);
                }
            }
        }
    }

    /// <summary>
    /// The round's statements in order: each pending call alone, except calls of a statement with a set-based form,
    /// which join the first call of that statement in the round (a call whose key is already in the group stays alone,
    /// after it, so its own run's statements keep their order).
    /// </summary>
    private static List<List<Pending>> Group(List<Pending> round)
    {
        var statements = new List<List<Pending>>(round.Count);
        Dictionary<PgCommand, (List<Pending> Members, HashSet<string> Keys)>? sets = null;
        foreach (var pending in round)
        {
            if (pending.Command.Set is { } set && pending.ReturnsRows)
            {
                sets ??= [];
                var key = set.Key(pending.Values);
                if (!sets.TryGetValue(pending.Command, out var group))
                {
                    group = ([pending], new HashSet<string>(StringComparer.Ordinal) { key });
                    sets[pending.Command] = group;
                    statements.Add(group.Members);
                    continue;
                }

                if (group.Keys.Add(key))
                {
                    group.Members.Add(pending);
                    continue;
                }
            }

            statements.Add([pending]);
        }

        return statements;
    }

    private static NpgsqlBatchCommand RowStatement(Pending pending)
    {
        var statement = new NpgsqlBatchCommand(pending.Command.Sql);
        for (var i = 0; i < pending.Values.Length; i++)
        {
            statement.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = pending.Command.Types[i], Value = pending.Values[i] ?? DBNull.Value });
        }

        return statement;
    }

    private static NpgsqlBatchCommand SetStatement(List<Pending> members)
    {
        var command = members[0].Command;
        var statement = new NpgsqlBatchCommand(command.Set!.Sql);
        var values = members.ConvertAll(m => m.Values);
        for (var i = 0; i < command.Types.Count; i++)
        {
            statement.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = PgSetStatement.ArrayOf(command.Types[i]), Value = PgSetStatement.Column(values, i, command.Types[i]) });
        }

        return statement;
    }

    private abstract class Pending(PgCommand command, object?[] values)
    {
        public PgCommand Command { get; } = command;

        public object?[] Values { get; } = values;

        public abstract bool ReturnsRows { get; }

        /// <summary>Takes one result row of this call's statement.</summary>
        public virtual void AddRow(NpgsqlDataReader reader)
        {
        }

        public abstract void Complete(int recordsAffected);

        public abstract void Fail(Exception error);
    }

    private sealed class PendingExecute(PgCommand command, object?[] values) : Pending(command, values)
    {
        // Continuations run inline: the command goes on at once and queues its next statement in this loop.
        public TaskCompletionSource<int> Completion { get; } = new();

        public override bool ReturnsRows => false;

        public override void Complete(int recordsAffected) => Completion.TrySetResult(recordsAffected);

        public override void Fail(Exception error) => Completion.TrySetException(error);
    }

    private sealed class PendingQuery<T>(PgCommand command, object?[] values, Func<NpgsqlDataReader, T> row) : Pending(command, values)
    {
        private readonly List<T> _rows = [];

        public TaskCompletionSource<List<T>> Completion { get; } = new();

        public override bool ReturnsRows => true;

        public override void AddRow(NpgsqlDataReader reader) => _rows.Add(row(reader));

        public override void Complete(int recordsAffected) => Completion.TrySetResult(_rows);

        public override void Fail(Exception error) => Completion.TrySetException(error);
    }
}
