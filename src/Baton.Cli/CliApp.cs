using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Baton.Cli;

/// <summary>The <c>baton</c> command: parses the command line, calls the API, prints results. Exit codes: 0 ok, 1 refused by the API, 2 bad usage.</summary>
internal static class CliApp
{
    public const string Usage = """
        usage: baton <command> [options]

          send <name> [--data JSON] [--id ID] [--ts TIME]   send one event
          send --event JSON | --file PATH                   send an event or an array of events given as JSON ('-' reads stdin)
          runs list [--function F] [--key K] [--status S] [--from T] [--to T] [--text X] [--limit N] [--cursor C] [--json]
          runs show <runId> [--json]                        a run with its steps
          runs tail [--function F] [--run ID] [--count N]   print run and step changes as they happen
          replay --function F --status Failed [--from T] [--to T] [--yes]
                                                            replay every matching run (asks first unless --yes)
          cancel --function F [--status S] [--from T] [--to T] [--reason R] [--yes]
                                                            cancel every matching unfinished run (asks first unless --yes)
          functions [--json]                                functions, paused state and flow control

        common: --url URL (default $BATON_URL or http://127.0.0.1:8288); API key from $BATON_API_KEY;
                event key for send from $BATON_EVENT_KEY (default "cli").
        """;

    private static readonly HashSet<string> Flags = new(StringComparer.Ordinal) { "json", "yes", "help" };
    private static readonly string[] Unfinished = ["Queued", "Running", "Sleeping", "Waiting"];

    public static async Task<int> RunAsync(IReadOnlyList<string> args, CliConsole console, HttpClient http, Func<string, string?> environment, CancellationToken cancellationToken)
    {
        try
        {
            var parsed = CliArgs.Parse(args, Flags);
            if (parsed.Positional.Count == 0 || parsed.Flag("help"))
            {
                console.Out.WriteLine(Usage);
                return parsed.Positional.Count == 0 && !parsed.Flag("help") ? 2 : 0;
            }

            var url = parsed.Option("url") ?? environment("BATON_URL") ?? "http://127.0.0.1:8288";
            if (!Uri.TryCreate(url.EndsWith('/') ? url : url + "/", UriKind.Absolute, out var baseUrl) || (baseUrl.Scheme != "http" && baseUrl.Scheme != "https"))
            {
                throw new UsageException($"--url must be an http(s) URL: '{url}'");
            }

            var api = new ApiClient(http, baseUrl, environment("BATON_API_KEY"));
            var command = parsed.Positional[0];
            var sub = parsed.Positional.Count > 1 ? parsed.Positional[1] : null;
            return (command, sub) switch
            {
                ("send", _) => await SendAsync(parsed, api, console, environment("BATON_EVENT_KEY") ?? "cli", cancellationToken).ConfigureAwait(false),
                ("runs", "list") => await ListRunsAsync(parsed, api, console, cancellationToken).ConfigureAwait(false),
                ("runs", "show") => await ShowRunAsync(parsed, api, console, cancellationToken).ConfigureAwait(false),
                ("runs", "tail") => await TailAsync(parsed, api, console, cancellationToken).ConfigureAwait(false),
                ("replay", _) => await ReplayAsync(parsed, api, console, cancellationToken).ConfigureAwait(false),
                ("cancel", _) => await CancelAsync(parsed, api, console, cancellationToken).ConfigureAwait(false),
                ("functions", _) => await FunctionsAsync(parsed, api, console, cancellationToken).ConfigureAwait(false),
                ("runs", _) => throw new UsageException("runs needs list, show or tail"),
                _ => throw new UsageException($"unknown command '{command}'"),
            };
        }
        catch (UsageException e)
        {
            await console.Error.WriteLineAsync("baton: " + e.Message).ConfigureAwait(false);
            await console.Error.WriteLineAsync(Usage).ConfigureAwait(false);
            return 2;
        }
        catch (ApiException e)
        {
            await console.Error.WriteLineAsync("baton: the API refused: " + e.Message).ConfigureAwait(false);
            return 1;
        }
        catch (HttpRequestException e)
        {
            await console.Error.WriteLineAsync("baton: cannot reach the API: " + e.Message).ConfigureAwait(false);
            return 1;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return 130;
        }
    }

    private static async Task<int> SendAsync(CliArgs args, ApiClient api, CliConsole console, string eventKey, CancellationToken cancellationToken)
    {
        var json = args.Option("event");
        var file = args.Option("file");
        JsonNode body;
        if (json is not null || file is not null)
        {
            if (json is not null && file is not null)
            {
                throw new UsageException("give --event or --file, not both");
            }

            var text = json ?? (file == "-" ? await console.In.ReadToEndAsync(cancellationToken).ConfigureAwait(false) : await File.ReadAllTextAsync(file!, cancellationToken).ConfigureAwait(false));
            body = ParseJson(text, json is not null ? "--event" : "--file");
            args.EnsureAllUsed(1);
        }
        else
        {
            if (args.Positional.Count < 2)
            {
                throw new UsageException("send needs an event name (or --event / --file)");
            }

            var data = args.Option("data") is { } d ? ParseJson(d, "--data") : new JsonObject();
            if (data is not JsonObject)
            {
                throw new UsageException("--data must be a JSON object");
            }

            var message = new JsonObject { ["name"] = args.Positional[1], ["data"] = data };
            if (args.Option("id") is { } id)
            {
                message["id"] = id;
            }

            if (args.Option("ts") is { } ts)
            {
                message["ts"] = ts;
            }

            body = message;
            args.EnsureAllUsed(2);
        }

        var answer = await api.PostAsync("e/" + Uri.EscapeDataString(eventKey), body, cancellationToken).ConfigureAwait(false);
        foreach (var id in answer["ids"]!.AsArray())
        {
            await console.Out.WriteLineAsync(id!.GetValue<string>()).ConfigureAwait(false);
        }

        return 0;
    }

    private static async Task<int> ListRunsAsync(CliArgs args, ApiClient api, CliConsole console, CancellationToken cancellationToken)
    {
        var query = RunFilter(args, defaultStatuses: null).Query();
        if (args.Int("limit") is { } limit)
        {
            query += "&limit=" + limit.ToString(CultureInfo.InvariantCulture);
        }

        if (args.Option("text") is { } text)
        {
            query += "&text=" + Uri.EscapeDataString(text);
        }

        if (args.Option("key") is { } key)
        {
            query += "&key=" + Uri.EscapeDataString(key);
        }

        if (args.Option("cursor") is { } cursor)
        {
            query += "&cursor=" + Uri.EscapeDataString(cursor);
        }

        var asJson = args.Flag("json");
        args.EnsureAllUsed(2);
        var page = await api.GetAsync("api/v1/runs?" + query.TrimStart('&'), cancellationToken).ConfigureAwait(false);
        if (asJson)
        {
            await console.Out.WriteLineAsync(page.ToJsonString(Indented)).ConfigureAwait(false);
            return 0;
        }

        Table.Write(console.Out, ["RUN", "FUNCTION", "STATUS", "CREATED", "DURATION", "STEPS"], page["items"]!.AsArray().Select(r => new[]
        {
            Text(r!["id"]), Text(r["functionId"]), Text(r["status"]), Text(r["createdAt"]), Ms(r["durationMs"]), Text(r["stepCount"]),
        }));
        if (page["nextCursor"] is { } next)
        {
            await console.Out.WriteLineAsync($"more: --cursor {next.GetValue<string>()}").ConfigureAwait(false);
        }

        return 0;
    }

    private static async Task<int> ShowRunAsync(CliArgs args, ApiClient api, CliConsole console, CancellationToken cancellationToken)
    {
        if (args.Positional.Count < 3)
        {
            throw new UsageException("runs show needs a run id");
        }

        var asJson = args.Flag("json");
        args.EnsureAllUsed(3);
        var detail = await api.GetAsync("api/v1/runs/" + Uri.EscapeDataString(args.Positional[2]), cancellationToken).ConfigureAwait(false);
        var logs = await RunLogsAsync(api, args.Positional[2], cancellationToken).ConfigureAwait(false);
        if (asJson)
        {
            detail["logs"] = logs;
            await console.Out.WriteLineAsync(detail.ToJsonString(Indented)).ConfigureAwait(false);
            return 0;
        }

        var run = detail["run"]!;
        var output = console.Out;
        await output.WriteLineAsync($"run       {Text(run["id"])}").ConfigureAwait(false);
        await output.WriteLineAsync($"function  {Text(run["functionId"])}").ConfigureAwait(false);
        await output.WriteLineAsync($"status    {Text(run["status"])}").ConfigureAwait(false);
        await output.WriteLineAsync($"event     {Text(run["eventName"])} {Text(run["eventId"])}").ConfigureAwait(false);
        await output.WriteLineAsync($"created   {Text(run["createdAt"])}").ConfigureAwait(false);
        await output.WriteLineAsync($"finished  {Text(run["finishedAt"])} ({Ms(run["durationMs"])})").ConfigureAwait(false);
        if (run["progress"] is { } progress)
        {
            await output.WriteLineAsync($"progress  {Text(progress["done"])}/{Text(progress["total"])} {Text(progress["message"])}").ConfigureAwait(false);
        }

        if (run["error"] is { } error)
        {
            await output.WriteLineAsync($"error     {Text(error["type"])}: {Text(error["message"])}").ConfigureAwait(false);
        }

        if (run["output"] is { } result)
        {
            await output.WriteLineAsync($"output    {result.ToJsonString()}").ConfigureAwait(false);
        }

        await output.WriteLineAsync().ConfigureAwait(false);
        Table.Write(output, ["STEP", "KIND", "STATUS", "ATTEMPTS", "DURATION", "ERROR"], detail["steps"]!.AsArray().Select(s => new[]
        {
            Text(s!["name"]), Text(s["kind"]), Text(s["status"]), Text(s["attempts"]), Ms(s["durationMs"]), s["error"] is { } e ? Text(e["message"]) : "",
        }));
        if (logs.Count > 0)
        {
            await output.WriteLineAsync().ConfigureAwait(false);
            Table.Write(output, ["TIME", "LEVEL", "STEP", "MESSAGE"], logs.Select(l => new[]
            {
                Text(l!["at"]), Text(l["level"]), Text(l["stepId"]),
                Text(l["message"]) + (l["exception"] is { } x ? " | " + Text(x).Split('\n')[0] : ""),
            }));
        }

        return 0;
    }

    /// <summary>Every stored log line of a run, page after page.</summary>
    private static async Task<JsonArray> RunLogsAsync(ApiClient api, string runId, CancellationToken cancellationToken)
    {
        var lines = new JsonArray();
        string? cursor = null;
        do
        {
            var page = await api.GetAsync(
                $"api/v1/runs/{Uri.EscapeDataString(runId)}/logs" + (cursor is null ? "" : "?cursor=" + Uri.EscapeDataString(cursor)), cancellationToken).ConfigureAwait(false);
            var items = page["items"]!.AsArray();
            while (items.Count > 0)
            {
                // A node has one parent: move each line from the page to the result.
                var line = items[0];
                items.RemoveAt(0);
                lines.Add(line);
            }

            cursor = page["nextCursor"]?.GetValue<string>();
        }
        while (cursor is not null);
        return lines;
    }

    private static async Task<int> TailAsync(CliArgs args, ApiClient api, CliConsole console, CancellationToken cancellationToken)
    {
        var query = new List<string>();
        if (args.Option("function") is { } function)
        {
            query.Add("function=" + Uri.EscapeDataString(function));
        }

        if (args.Option("run") is { } run)
        {
            query.Add("run=" + Uri.EscapeDataString(run));
        }

        var count = args.Int("count");
        args.EnsureAllUsed(2);
        var seen = 0;
        await api.StreamAsync("api/v1/stream" + (query.Count > 0 ? "?" + string.Join('&', query) : ""), () =>
        {
            console.Error.WriteLine("watching for changes (Ctrl+C to stop)");
            console.Error.Flush();
        }, (name, data) =>
        {
            var line = name == "step"
                ? $"step  {Text(data["runId"])}  {Text(data["stepId"])}  {Text(data["status"])}"
                : $"run   {Text(data["runId"])}  {Text(data["functionId"])}  {Text(data["status"])}";
            console.Out.WriteLine(line);
            console.Out.Flush();
            return count is null || ++seen < count;
        }, cancellationToken).ConfigureAwait(false);
        return 0;
    }

    private static async Task<int> ReplayAsync(CliArgs args, ApiClient api, CliConsole console, CancellationToken cancellationToken)
    {
        var filter = RunFilter(args, defaultStatuses: null);
        var yes = args.Flag("yes");
        args.EnsureAllUsed(1);
        filter.EnsureAny();
        var matched = await CountAsync(api, filter, cancellationToken).ConfigureAwait(false);
        if (matched == 0)
        {
            await console.Out.WriteLineAsync("No runs match; nothing to replay.").ConfigureAwait(false);
            return 0;
        }

        if (!yes && !await ConfirmAsync(console, $"Replay {matched} run(s) matching {filter}?", cancellationToken).ConfigureAwait(false))
        {
            await console.Out.WriteLineAsync("Nothing replayed.").ConfigureAwait(false);
            return 1;
        }

        var job = await api.PostAsync("api/v1/runs/bulk-replay", filter.Body(), cancellationToken).ConfigureAwait(false);
        var id = Text(job["id"]);
        var bar = new ProgressBar(console, "replaying");
        while (true)
        {
            var total = job["total"]!.GetValue<long>();
            var failed = job["failed"]!.AsArray();
            bar.Report(job["started"]!.GetValue<long>() + failed.Count, total);
            if (job["done"]!.GetValue<bool>())
            {
                bar.Finish();
                foreach (var refusal in failed)
                {
                    await console.Error.WriteLineAsync($"not replayed {Text(refusal!["runId"])}: {Text(refusal["reason"])}").ConfigureAwait(false);
                }

                await console.Out.WriteLineAsync($"Replayed {Text(job["started"])} of {total} run(s) (job {id}).").ConfigureAwait(false);
                return failed.Count == 0 ? 0 : 1;
            }

            // The job paces itself at ReplaysPerSecond; look again shortly.
            await Task.Delay(TimeSpan.FromMilliseconds(200), cancellationToken).ConfigureAwait(false);
            job = await api.GetAsync("api/v1/replays/" + Uri.EscapeDataString(id), cancellationToken).ConfigureAwait(false);
        }
    }

    private static async Task<int> CancelAsync(CliArgs args, ApiClient api, CliConsole console, CancellationToken cancellationToken)
    {
        var filter = RunFilter(args, defaultStatuses: Unfinished);
        var reason = args.Option("reason");
        var yes = args.Flag("yes");
        args.EnsureAllUsed(1);
        filter.EnsureAny();
        var matched = await CountAsync(api, filter, cancellationToken).ConfigureAwait(false);
        if (matched == 0)
        {
            await console.Out.WriteLineAsync("No unfinished runs match; nothing to cancel.").ConfigureAwait(false);
            return 0;
        }

        if (!yes && !await ConfirmAsync(console, $"Cancel {matched} run(s) matching {filter}?", cancellationToken).ConfigureAwait(false))
        {
            await console.Out.WriteLineAsync("Nothing cancelled.").ConfigureAwait(false);
            return 1;
        }

        var bar = new ProgressBar(console, "cancelling");
        bar.Report(0, matched);
        var body = filter.Body();
        body["reason"] = reason ?? "cancelled with the baton CLI";
        var result = await api.PostAsync("api/v1/runs/bulk-cancel", body, cancellationToken).ConfigureAwait(false);
        bar.Report(result["matched"]!.GetValue<long>(), result["matched"]!.GetValue<long>());
        bar.Finish();
        await console.Out.WriteLineAsync($"Cancelled {Text(result["cancelled"])} of {Text(result["matched"])} run(s).").ConfigureAwait(false);
        return 0;
    }

    private static async Task<int> FunctionsAsync(CliArgs args, ApiClient api, CliConsole console, CancellationToken cancellationToken)
    {
        var asJson = args.Flag("json");
        args.EnsureAllUsed(1);
        var page = await api.GetAsync("api/v1/functions", cancellationToken).ConfigureAwait(false);
        if (asJson)
        {
            await console.Out.WriteLineAsync(page.ToJsonString(Indented)).ConfigureAwait(false);
            return 0;
        }

        Table.Write(console.Out, ["FUNCTION", "TRIGGERS", "PAUSED", "FLOW"], page["items"]!.AsArray().Select(f => new[]
        {
            Text(f!["id"]),
            string.Join(", ", f["triggers"]!.AsArray().Select(t => Text(t!["event"])).Concat(f["crons"]!.AsArray().Select(c => "cron " + Text(c!["schedule"])))),
            f["paused"]!.GetValue<bool>() ? "yes" : "no",
            f["flow"] is JsonObject flow && flow.Count > 0 ? flow.ToJsonString() : "-",
        }));
        return 0;
    }

    private static async Task<long> CountAsync(ApiClient api, RunFilterArgs filter, CancellationToken cancellationToken)
    {
        long count = 0;
        string? cursor = null;
        do
        {
            var page = await api.GetAsync("api/v1/runs?limit=1000" + filter.Query() + (cursor is null ? "" : "&cursor=" + Uri.EscapeDataString(cursor)), cancellationToken).ConfigureAwait(false);
            count += page["items"]!.AsArray().Count;
            cursor = page["nextCursor"]?.GetValue<string>();
        }
        while (cursor is not null);
        return count;
    }

    private static async Task<bool> ConfirmAsync(CliConsole console, string question, CancellationToken cancellationToken)
    {
        await console.Error.WriteAsync(question + " [y/N] ").ConfigureAwait(false);
        await console.Error.FlushAsync(cancellationToken).ConfigureAwait(false);
        var answer = (await console.In.ReadLineAsync(cancellationToken).ConfigureAwait(false))?.Trim();
        return string.Equals(answer, "y", StringComparison.OrdinalIgnoreCase) || string.Equals(answer, "yes", StringComparison.OrdinalIgnoreCase);
    }

    private static RunFilterArgs RunFilter(CliArgs args, IReadOnlyList<string>? defaultStatuses)
    {
        var statuses = args.Options("status").SelectMany(s => s.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)).ToArray();
        return new RunFilterArgs(args.Option("function"), statuses.Length > 0 ? statuses : defaultStatuses, Time(args.Option("from"), "from"), Time(args.Option("to"), "to"), statuses.Length > 0);
    }

    private static string? Time(string? text, string name)
    {
        if (text is null)
        {
            return null;
        }

        return DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var time)
            ? time.ToString("O", CultureInfo.InvariantCulture)
            : throw new UsageException($"--{name} is not a time (ISO 8601): '{text}'");
    }

    private static JsonNode ParseJson(string text, string name)
    {
        try
        {
            return JsonNode.Parse(text) ?? throw new UsageException($"{name} is null");
        }
        catch (JsonException e)
        {
            throw new UsageException($"{name} is not valid JSON: {e.Message}");
        }
    }

    private static string Text(JsonNode? node) => node switch
    {
        null => "",
        JsonValue v when v.TryGetValue<string>(out var s) => s,
        _ => node.ToJsonString(),
    };

    private static string Ms(JsonNode? node) => node is null ? "" : node.GetValue<double>().ToString("0.#", CultureInfo.InvariantCulture) + " ms";

    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    /// <summary>A run filter from the command line, as a query string and as a bulk-action body.</summary>
    private sealed record RunFilterArgs(string? FunctionId, IReadOnlyList<string>? Statuses, string? From, string? To, bool StatusesGiven)
    {
        public void EnsureAny()
        {
            if (FunctionId is null && !StatusesGiven && From is null && To is null)
            {
                throw new UsageException("give at least one filter: --function, --status, --from or --to");
            }
        }

        public string Query()
        {
            var query = "";
            if (FunctionId is not null)
            {
                query += "&function=" + Uri.EscapeDataString(FunctionId);
            }

            if (Statuses is not null)
            {
                query += "&status=" + Uri.EscapeDataString(string.Join(',', Statuses));
            }

            if (From is not null)
            {
                query += "&from=" + Uri.EscapeDataString(From);
            }

            if (To is not null)
            {
                query += "&to=" + Uri.EscapeDataString(To);
            }

            return query;
        }

        public JsonObject Body()
        {
            var body = new JsonObject();
            if (FunctionId is not null)
            {
                body["functionId"] = FunctionId;
            }

            if (Statuses is not null)
            {
                body["statuses"] = new JsonArray(Statuses.Select(s => (JsonNode)JsonValue.Create(s)).ToArray());
            }

            if (From is not null)
            {
                body["from"] = From;
            }

            if (To is not null)
            {
                body["to"] = To;
            }

            return body;
        }

        public override string ToString()
        {
            var parts = new List<string>();
            if (FunctionId is not null)
            {
                parts.Add("function " + FunctionId);
            }

            if (Statuses is not null)
            {
                parts.Add("status " + string.Join("|", Statuses));
            }

            if (From is not null)
            {
                parts.Add("from " + From);
            }

            if (To is not null)
            {
                parts.Add("to " + To);
            }

            return string.Join(", ", parts);
        }
    }
}
