using Baton.Storage;
using Npgsql;

namespace Baton.Postgres;

internal sealed partial class PostgresStore : IResourceStore
{
    public async Task<IReadOnlyDictionary<string, ResourceState>> GetResourceStatesAsync(CancellationToken cancellationToken)
    {
        var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            var command = new NpgsqlCommand($"SELECT name, tat, paused_until, window_start, used, queue_until FROM {Schema}.resources", connection);
            await using var commandScope = command.ConfigureAwait(false);
            var states = new Dictionary<string, ResourceState>(StringComparer.Ordinal);
            var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            await using (reader.ConfigureAwait(false))
            {
                while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    states[reader.GetString(0)] = new ResourceState
                    {
                        Tat = Pg.Time(reader, 1),
                        PausedUntil = Pg.Time(reader, 2),
                        WindowStart = Pg.Time(reader, 3),
                        Used = reader.GetInt64(4),
                        QueueUntil = Pg.Time(reader, 5),
                    };
                }
            }

            return states;
        }
    }
}
