using Baton.Hosting;
using Baton.Storage;
using Baton.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Baton.Tests.TestSupport;

/// <summary>Waits on the leader's retention passes.</summary>
public static class RetentionWaits
{
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
