using System.Runtime.CompilerServices;
using Baton.Testing;

namespace Baton.Postgres.Tests;

/// <summary>
/// Runs the engine's behaviour suite (compiled into this assembly from tests/Baton.Tests) on PostgreSQL:
/// every host started without an explicit store gets a new schema on the shared test cluster.
/// </summary>
internal static class BehaviourOnPostgres
{
    [ModuleInitializer]
    internal static void UsePostgresForEveryHost()
        => BatonTestHost.DefaultStore = () =>
        {
            var connectionString = PostgresServer.Shared.GetAwaiter().GetResult().ConnectionString;
            var schema = PostgresServer.NewSchema();
            return b => b.UsePostgres(connectionString, o => o.Schema = schema);
        };
}
