using System.Net.Http.Json;
using System.Text.Json;
using Baton;
using Xunit;

namespace Baton.TestSupport;

/// <summary>Calls shared by the tests that drive a real app over HTTP (API and dashboard tests); linked into each project.</summary>
internal static class ApiTestCalls
{
    /// <summary>Sends events through the ingest endpoint and returns their ids.</summary>
    public static async Task<string[]> IngestAsync(HttpClient http, object[] events)
    {
        using var response = await http.PostAsJsonAsync(new Uri("/e/key", UriKind.Relative), events);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, text);
        return JsonDocument.Parse(text).RootElement.GetProperty("ids").EnumerateArray().Select(e => e.GetString()!).ToArray();
    }

    /// <summary>Waits until <paramref name="condition"/> holds for the run started by an event, re-checking on each committed change.</summary>
    public static async Task<RunInfo> WaitForRunOfEventAsync(ChangeFeed changes, IBatonInspector inspector, string eventId, Func<RunInfo, bool> condition)
    {
        var signal = new SemaphoreSlim(0);
        using var subscription = changes.Subscribe(_ => signal.Release());
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (true)
        {
            var events = await inspector.ListEventsAsync(new EventQuery { Limit = 1000 });
            var runId = events.Items.FirstOrDefault(e => e.Event.Id == eventId)?.RunIds.FirstOrDefault();
            if (runId is not null && await inspector.GetRunAsync(runId) is { } run && condition(run))
            {
                return run;
            }

            await signal.WaitAsync(timeout.Token);
        }
    }
}
