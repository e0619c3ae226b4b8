using System.Globalization;
using Baton;
using Crawler.Functions;
using Crawler.Listings;

namespace Crawler.Cli;

/// <summary>
/// The command line: the same app with arguments, working directly on the configured database (no server needed).
/// <c>watchlists list</c>, <c>watchlists add &lt;id&gt; &lt;query&gt; [--marketplaces A,B] [--min N] [--max N] [--conditions 1000,3000]</c>,
/// <c>capture &lt;watchlist&gt;</c> (queues captures for the running app's worker) and <c>deals &lt;watchlist&gt; [--limit N]</c>.
/// </summary>
internal static class CrawlerCli
{
    private static readonly string[] Commands = ["watchlists", "deals", "capture", "help", "--help"];

    /// <summary>Whether the arguments ask for a command rather than the app.</summary>
    public static bool IsCommand(string[] args) => args.Length > 0 && Commands.Contains(args[0]);

    /// <summary>Runs a command; returns the process exit code (0 ok, 1 failed, 2 usage).</summary>
    public static async Task<int> RunAsync(string[] args, CrawlerSettings settings, TextWriter output, TextWriter error)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(error);
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddCrawler(settings);
        builder.Services.AddBaton().UseCrawlerStorage(settings.Crawler).Configure(o => o.RunWorker = false).AddCrawlerFunctions(settings);
        using var host = builder.Build();
        await host.StartAsync().ConfigureAwait(false);
        try
        {
            var store = host.Services.GetRequiredService<ListingsStore>();
            return (args[0], args.Length > 1 ? args[1] : null) switch
            {
                ("watchlists", "list") => await ListAsync(store, output).ConfigureAwait(false),
                ("watchlists", "add") => await AddAsync(store, args[2..], output, error).ConfigureAwait(false),
                ("deals", { } id) => await DealsAsync(store, id, Option(args, "--limit") is { } l ? int.Parse(l, CultureInfo.InvariantCulture) : 20, output, error).ConfigureAwait(false),
                ("capture", { } id) => await CaptureAsync(store, host.Services.GetRequiredService<IBatonClient>(), id, output, error).ConfigureAwait(false),
                _ => Usage(error),
            };
        }
        catch (ArgumentException e)
        {
            await error.WriteLineAsync(e.Message).ConfigureAwait(false);
            return 2;
        }
        catch (FormatException e)
        {
            await error.WriteLineAsync(e.Message).ConfigureAwait(false);
            return 2;
        }
        finally
        {
            await host.StopAsync().ConfigureAwait(false);
        }
    }

    private static async Task<int> ListAsync(ListingsStore store, TextWriter output)
    {
        var watchlists = await store.ListWatchlistsAsync().ConfigureAwait(false);
        foreach (var w in watchlists)
        {
            var analyses = await store.LatestAnalysesAsync(w.Id).ConfigureAwait(false);
            var listings = analyses.Sum(a => a.Stats.Count);
            var deals = analyses.Sum(a => a.Stats.Deals);
            await output.WriteLineAsync($"{w.Id,-20} {(w.Active ? "active" : "paused"),-7} \"{w.Query}\" on {string.Join(',', w.Marketplaces)}: {listings} listings, {deals} deals").ConfigureAwait(false);
        }

        if (watchlists.Count == 0)
        {
            await output.WriteLineAsync("No watchlists.").ConfigureAwait(false);
        }

        return 0;
    }

    private static async Task<int> AddAsync(ListingsStore store, string[] args, TextWriter output, TextWriter error)
    {
        var positional = Positional(args);
        if (positional.Count < 2)
        {
            return Usage(error);
        }

        var watchlist = new Watchlist
        {
            Id = positional[0],
            Query = string.Join(' ', positional.Skip(1)),
            Marketplaces = (Option(args, "--marketplaces") ?? "EBAY_GB,EBAY_US,EBAY_DE").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries),
            MinPrice = Option(args, "--min") is { } min ? decimal.Parse(min, CultureInfo.InvariantCulture) : null,
            MaxPrice = Option(args, "--max") is { } max ? decimal.Parse(max, CultureInfo.InvariantCulture) : null,
            Conditions = Option(args, "--conditions")?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) ?? [],
        };
        if (!await store.AddWatchlistAsync(watchlist).ConfigureAwait(false))
        {
            await error.WriteLineAsync($"Watchlist '{watchlist.Id}' already exists").ConfigureAwait(false);
            return 1;
        }

        await output.WriteLineAsync($"Added watchlist {watchlist.Id}: \"{watchlist.Query}\" on {string.Join(',', watchlist.Marketplaces)}").ConfigureAwait(false);
        return 0;
    }

    private static async Task<int> DealsAsync(ListingsStore store, string id, int limit, TextWriter output, TextWriter error)
    {
        if (await store.GetWatchlistAsync(id).ConfigureAwait(false) is null)
        {
            await error.WriteLineAsync($"No watchlist '{id}'").ConfigureAwait(false);
            return 1;
        }

        var deals = await store.DealsAsync(id).ConfigureAwait(false);
        foreach (var d in deals.Take(limit))
        {
            await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                $"{d.Marketplace,-8} {d.Landed,10:0.00} {d.Currency} ({d.LandedBase:0.00} base, p{d.Percentile * 100:0}) {d.Title}  {d.ItemUrl}")).ConfigureAwait(false);
        }

        if (deals.Count == 0)
        {
            await output.WriteLineAsync($"No deals for {id} yet (they appear after a capture and its analysis).").ConfigureAwait(false);
        }

        return 0;
    }

    private static async Task<int> CaptureAsync(ListingsStore store, IBatonClient client, string id, TextWriter output, TextWriter error)
    {
        var watchlist = await store.GetWatchlistAsync(id).ConfigureAwait(false);
        if (watchlist is null)
        {
            await error.WriteLineAsync($"No watchlist '{id}'").ConfigureAwait(false);
            return 1;
        }

        var ids = await client.SendAsync(RefreshWatchlistsFunction.CaptureRequests(watchlist).Select(r => new EventMessage(CrawlerEvents.CaptureRequested, r))).ConfigureAwait(false);
        await output.WriteLineAsync($"Queued {ids.Count} capture(s) of {id}; the running app's worker executes them.").ConfigureAwait(false);
        return 0;
    }

    private static int Usage(TextWriter error)
    {
        error.WriteLine("""
            usage:
              crawler watchlists list
              crawler watchlists add <id> <query…> [--marketplaces EBAY_GB,EBAY_US] [--min N] [--max N] [--conditions 1000,3000]
              crawler capture <watchlist>
              crawler deals <watchlist> [--limit N]
            """);
        return 2;
    }

    private static string? Option(string[] args, string name)
    {
        var index = Array.IndexOf(args, name);
        return index >= 0 && index + 1 < args.Length ? args[index + 1] : null;
    }

    private static List<string> Positional(string[] args)
    {
        var list = new List<string>();
        for (var i = 0; i < args.Length; i++)
        {
            if (args[i].StartsWith("--", StringComparison.Ordinal))
            {
                i++;
                continue;
            }

            list.Add(args[i]);
        }

        return list;
    }
}
