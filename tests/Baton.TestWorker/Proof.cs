namespace Baton.TestWorker;

/// <summary>Payload of a proof run: whether it sleeps after <c>s2</c> and whether its <c>s3</c> fails once.</summary>
internal sealed record ProofRequest(int Index, bool Sleep, bool FailOnce);

/// <summary>
/// The multi-process proof's function (Baton.Postgres.Tests/MultiProcess): steps <c>s1</c> … <c>s5</c>, some runs
/// with a one-second durable sleep after <c>s2</c>, some whose <c>s3</c> fails once on purpose and succeeds on retry.
/// </summary>
internal static class Proof
{
    public const string FunctionId = "proof/five-steps";
    public const string EventName = "proof/requested";
    public const string CronFunctionId = "proof/every-second";

    /// <summary>A quick retry, so a failed <c>s3</c> runs again within the test's time, and the same every time (no jitter).</summary>
    public static readonly RetryPolicy Retry = new() { MaxRetries = 3, InitialInterval = TimeSpan.FromMilliseconds(200), Jitter = 0 };

    public static BatonBuilder AddProof(this BatonBuilder builder, Protocol protocol, string markerDirectory)
        => builder.AddFunction<ProofRequest, int>(
            FunctionId,
            f => f.OnEvent(EventName).Retry(Retry),
            async ctx =>
            {
                for (var i = 1; i <= 5; i++)
                {
                    var stepId = $"s{i}";
                    var failOnce = ctx.Data.FailOnce && i == 3;
                    await ctx.Step.Run(stepId, () => ExecuteAsync(protocol, markerDirectory, ctx.RunId, stepId, failOnce));
                    if (i == 2 && ctx.Data.Sleep)
                    {
                        await ctx.Step.Sleep("nap", TimeSpan.FromSeconds(1));
                    }
                }

                return ctx.Data.Index;
            });

    /// <summary>A cron function that fires every second; each run records one step.</summary>
    public static BatonBuilder AddCronProof(this BatonBuilder builder, Protocol protocol)
        => builder.AddFunction<object?, string>(
            CronFunctionId,
            f => f.OnCron("* * * * * *"),
            async ctx => await ctx.Step.Run("tick", () =>
            {
                protocol.Journal($"exec {ctx.RunId} tick {Environment.ProcessId}");
                protocol.Say("STEP-DONE tick");
                return Task.FromResult($"tick by {Environment.ProcessId}");
            }));

    private static Task<string> ExecuteAsync(Protocol protocol, string markerDirectory, string runId, string stepId, bool failOnce)
    {
        // Journaled before the work, so an execution cut short by a kill is in the journal too.
        protocol.Journal($"exec {runId} {stepId} {Environment.ProcessId} {DateTimeOffset.UtcNow.ToUnixTimeMilliseconds()}");

        // The first execution to create the marker fails; every later one (on any worker) finds it and succeeds.
        // A kill between the marker and the recorded failure just makes the next execution succeed.
        if (failOnce && TryCreateMarker(Path.Combine(markerDirectory, $"{runId}.{stepId}")))
        {
            protocol.Journal($"fail {runId} {stepId} {Environment.ProcessId}");
            throw new InvalidOperationException($"{stepId} of {runId} fails once on purpose");
        }

        protocol.Say($"STEP-DONE {stepId}");
        return Task.FromResult($"{stepId} by {Environment.ProcessId}");
    }

    private static bool TryCreateMarker(string path)
    {
        try
        {
            using var marker = new FileStream(path, FileMode.CreateNew, FileAccess.Write);
            return true;
        }
        catch (IOException) when (File.Exists(path))
        {
            return false;
        }
    }
}
