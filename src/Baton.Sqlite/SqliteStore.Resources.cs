using Baton.Storage;

namespace Baton.Sqlite;

internal sealed partial class SqliteStore : IResourceStore
{
    public async Task<IReadOnlyDictionary<string, ResourceState>> GetResourceStatesAsync(CancellationToken cancellationToken)
    {
        var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            using var command = connection.CreateCommand();
            command.CommandText = "SELECT name, tat, paused_until, window_start, used, queue_until FROM resources";
            var states = new Dictionary<string, ResourceState>(StringComparer.Ordinal);
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                states[reader.GetString(0)] = new ResourceState
                {
                    Tat = Db.Time(reader, 1),
                    PausedUntil = Db.Time(reader, 2),
                    WindowStart = Db.Time(reader, 3),
                    Used = reader.GetInt64(4),
                    QueueUntil = Db.Time(reader, 5),
                };
            }

            return states;
        }
    }
}
