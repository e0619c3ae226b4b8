using Npgsql;

namespace Baton.Postgres;

internal sealed partial class PostgresStore
{
    private static readonly TimeSpan ReconnectDelay = TimeSpan.FromSeconds(1);

    /// <summary>The LISTEN/NOTIFY channel of this schema.</summary>
    internal string Channel => "baton_" + _options.Schema;

    /// <summary>
    /// Listens on the schema's channel and wakes the dispatcher on each notification (writers send one per
    /// committed batch that made work due). A lost connection is re-opened; meanwhile the poll interval covers.
    /// </summary>
    public async Task WatchForWorkAsync(Action wake, CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
                await using (connection.ConfigureAwait(false))
                {
                    connection.Notification += (_, _) => wake();
                    var listen = new NpgsqlCommand($"LISTEN \"{Channel}\"", connection);
                    await using (listen.ConfigureAwait(false))
                    {
                        await listen.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                    }

                    // Work committed while we were not listening is found by the first claim after this.
                    wake();
                    while (true)
                    {
                        await connection.WaitAsync(cancellationToken).ConfigureAwait(false);
                    }
                }
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (e is NpgsqlException or InvalidOperationException or IOException)
            {
                try
                {
                    await Task.Delay(ReconnectDelay, cancellationToken).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }
}
