using Baton.Hosting;
using Baton.Storage;
using Baton.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Baton.Tests.TestSupport;

/// <summary>Waits on the leader's retention passes.</summary>
public static class RetentionWaits
{
    /// <summary>
    /// Completes once the pass a leader runs as soon as it leads has finished: a test that makes state which is spent
    /// within seconds waits for it first, or that pass (late on a loaded machine) may prune part of the state.
    /// </summary>
    public static Task FirstPassAsync(this BatonTestHost host)
    {
        var pruner = host.Services.GetRequiredService<BatonWorker>().Retention;
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        pruner.PassCompleted += _ => done.TrySetResult();
        if (pruner.CompletedPasses > 0)
        {
            done.TrySetResult();
        }

        return done.Task.WaitAsync(host.WaitTimeout);
    }

    /// <summary>Completes with the result of the next retention pass that deletes something.</summary>
    public static Task<PruneResult> NextPassThatPrunes(this BatonTestHost host)
    {
        var pass = new TaskCompletionSource<PruneResult>(TaskCreationOptions.RunContinuationsAsynchronously);
        host.Services.GetRequiredService<BatonWorker>().Retention.PassCompleted += result =>
        {
            if (result != PruneResult.None)
            {
                pass.TrySetResult(result);
            }
        };
        return pass.Task.WaitAsync(host.WaitTimeout);
    }
}
