// A Baton worker process driven by the durability tests (see Baton.Sqlite.Tests/Durability).
//
//   dotnet Baton.TestWorker.dll --db <file> --journal <file> [--send <event id>] [--block <step id>] [--steps <n>]
//   dotnet Baton.TestWorker.dll --postgres <connection string> --schema <name> --journal <file> --markers <dir> [--cron 1]
//
// It hosts Baton with a short lease, so a killed worker's run is claimable again within seconds.
// On SQLite (Baton.Sqlite.Tests/Durability) it runs one multi-step function and reports on stdout, one line each:
//   READY <pid>                   the host has started
//   SENT <event id>               --send: the event was acknowledged (durably stored)
//   STEP-START <step id>          a step body began (after its journal line was written)
//   STEP-DONE <step id>           a step body returned
//   RUN-DONE <run id> <status>    the run finished; the process then stops gracefully and exits 0
// Every step body first appends "exec <run id> <step id>" to the journal file, so the journal lists every
// execution of every step, including one cut short by a kill. With --block, that step waits until the
// process is killed.
// On PostgreSQL (Baton.Postgres.Tests/MultiProcess) it runs the proof function (see Proof.cs), or with --cron 1 the
// every-second cron function, until it is killed; it prints READY and one STEP-DONE line per step that succeeded,
// and journals "exec <run id> <step id> <pid>" (and "fail …" for a failure on purpose).
using Baton;
using Baton.TestWorker;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

var arguments = WorkerArguments.Parse(args);
var protocol = new Protocol(arguments.JournalPath);

var builder = new HostApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });

// stdout carries the protocol; logs go to stderr, which the tests show when something fails.
builder.Logging.AddConsole(o => o.LogToStandardErrorThreshold = LogLevel.Trace).SetMinimumLevel(LogLevel.Warning);
var baton = builder.Services.AddBaton()
    .Configure(o =>
    {
        o.LeaseDuration = TimeSpan.FromSeconds(2);
        o.HeartbeatInterval = TimeSpan.FromMilliseconds(500);
        o.PollInterval = TimeSpan.FromMilliseconds(200);
        o.ShutdownGracePeriod = TimeSpan.FromSeconds(5);
    });
if (arguments.PostgresConnection is { } connectionString)
{
    // A longer lease than on SQLite: five busy processes share two cores here, and a freshly started worker (JIT) once
    // missed heartbeats for 2 s, so its run was claimed again without any kill. 5 s still lets a killed worker's runs
    // resume within the test's time; the proof bounds re-executions by kills, so leases must not lapse otherwise.
    baton.UsePostgres(connectionString, o => o.Schema = arguments.Schema!).Configure(o =>
    {
        o.MaxConcurrentRuns = 50;
        o.LeaseDuration = TimeSpan.FromSeconds(5);
    });
    if (arguments.Cron)
    {
        baton.AddCronProof(protocol);
    }
    else if (arguments.Flow)
    {
        baton.AddFlowProof(protocol);
    }
    else
    {
        baton.AddProof(protocol, arguments.MarkerDirectory ?? throw new ArgumentException("--markers is required with --postgres", nameof(args)));
    }

    using var postgresHost = builder.Build();
    await postgresHost.StartAsync();
    protocol.Say($"READY {Environment.ProcessId}");

    // Runs until the test kills it.
    await postgresHost.WaitForShutdownAsync();
    return 0;
}

baton.UseSqlite(arguments.DatabasePath!).AddMultiStep(protocol, arguments.BlockAtStep);

using var host = builder.Build();
var finished = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
using var subscription = host.Services.GetRequiredService<ChangeFeed>().Subscribe(change =>
{
    if (change is RunChange { Applied: true, FunctionId: MultiStep.FunctionId, Status: RunStatus.Completed or RunStatus.Failed or RunStatus.Cancelled } run)
    {
        protocol.Say($"RUN-DONE {run.RunId} {run.Status}");
        finished.TrySetResult();
    }
});

await host.StartAsync();
protocol.Say($"READY {Environment.ProcessId}");

if (arguments.SendEventId is { } eventId)
{
    var client = host.Services.GetRequiredService<IBatonClient>();
    await client.SendAsync(new EventMessage(MultiStep.EventName, new MultiStepRequest(arguments.Steps)) { Id = eventId });
    protocol.Say($"SENT {eventId}");
}

await finished.Task;
await host.StopAsync();
return 0;
