// A first Baton program: a three-step order workflow with a durable sleep and a flaky step that is
// retried with backoff. Run it, stop it with Ctrl+C in the middle, run it again: the run resumes after
// the last completed step.
using Baton;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

var builder = Host.CreateApplicationBuilder(args);
builder.Logging.SetMinimumLevel(LogLevel.Warning);
builder.Services.AddBaton()
    .UseSqlite(Path.Combine("data", "sample.db"))
    .Configure(o => o.PollInterval = TimeSpan.FromMilliseconds(200))
    .AddFunction<FulfilOrder>("fulfil-order", f => f
        .OnEvent("shop/order.placed")
        .Retry(RetryPolicy.Default with { InitialInterval = TimeSpan.FromSeconds(1) }));

using var host = builder.Build();
await host.StartAsync();

var client = host.Services.GetRequiredService<IBatonClient>();
var inspector = host.Services.GetRequiredService<IBatonInspector>();
var changes = host.Services.GetRequiredService<ChangeFeed>();

var finished = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
using var subscription = changes.Subscribe(change =>
{
    switch (change)
    {
        case StepChange step:
            Console.WriteLine($"  step {step.StepId,-12} {step.Status}");
            break;
        case RunChange { Status: RunStatus.Completed or RunStatus.Failed } run:
            finished.TrySetResult(run.RunId);
            break;
        case RunChange run:
            Console.WriteLine($"run {run.RunId} {run.Status}");
            break;
    }
});

// Resume an unfinished order from an earlier, interrupted start; otherwise place a new one.
var pending = await inspector.ListRunsAsync(new RunQuery
{
    FunctionId = "fulfil-order",
    Statuses = [RunStatus.Queued, RunStatus.Running, RunStatus.Sleeping, RunStatus.Waiting],
    Limit = 1,
});
if (pending.Items.Count == 0)
{
    var id = await client.SendAsync(new EventMessage("shop/order.placed", new Order($"order-{DateTime.UtcNow:HHmmss}", 3)));
    Console.WriteLine($"sent event {id}");
}
else
{
    Console.WriteLine($"resuming run {pending.Items[0].Id}");
}

var runId = await finished.Task;
var result = await inspector.GetRunAsync(runId);
Console.WriteLine($"run {runId} {result!.Status}: {result.Output ?? result.Error?.Message}");
foreach (var step in await inspector.GetStepsAsync(runId))
{
    Console.WriteLine($"  {step.Id,-12} {step.Kind,-8} attempts={step.Attempts} {step.Output}");
}

await host.StopAsync();

/// <summary>The event's data.</summary>
internal sealed record Order(string OrderId, int Items);

/// <summary>Reserve stock, wait a moment (a durable sleep), then charge a flaky payment provider.</summary>
internal sealed class FulfilOrder : BatonFunction<Order, string>
{
    public override async Task<string> RunAsync(FunctionContext<Order> context)
    {
        var order = context.Data;
        var reserved = await context.Step.Run("reserve", () => Task.FromResult(order.Items));
        context.Progress.Report(1, 3, "stock reserved");

        await context.Step.Sleep("cool-off", TimeSpan.FromSeconds(3));
        context.Progress.Report(2, 3, "cool-off over");

        var receipt = await context.Step.Run("charge", async () =>
        {
            // Fails on the first attempt to show a retry with backoff.
            var steps = await context.Services.GetRequiredService<IBatonInspector>().GetStepsAsync(context.RunId);
            if (steps.All(s => s.Id != "charge"))
            {
                throw new InvalidOperationException("payment provider timed out");
            }

            return $"receipt-{order.OrderId}";
        });
        context.Progress.Report(3, 3, "charged");
        return $"{reserved} item(s), {receipt}";
    }
}
