using Baton.Testing;

namespace Baton.Sqlite.Tests.Fixtures;

internal static class HostExtensions
{
    /// <summary>Name of an event no function listens to.</summary>
    public const string WakeUpEvent = "test/wake-up";

    /// <summary>
    /// Commits something on the host, which wakes its dispatcher at once: it then claims with the current fake
    /// time, whether or not its poll timer was armed before the test advanced the clock.
    /// </summary>
    public static Task WakeWorkerAsync(this BatonTestHost host) => host.SendAsync(WakeUpEvent);

    /// <summary>Moves the fake clock and makes the worker look for due work at the new time.</summary>
    public static Task AdvanceAndWakeAsync(this BatonTestHost host, TimeSpan by)
    {
        host.Advance(by);
        return host.WakeWorkerAsync();
    }

    /// <summary>Sends the trigger of <see cref="ThreeSteps"/> and returns the run it created.</summary>
    public static async Task<string> StartThreeStepsAsync(this BatonTestHost host)
        => await host.WaitForRunOfEventAsync(await host.SendAsync(ThreeSteps.EventName), ThreeSteps.FunctionId);
}
