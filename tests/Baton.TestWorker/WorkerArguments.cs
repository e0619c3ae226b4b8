namespace Baton.TestWorker;

/// <summary>
/// The worker's command line. Exactly one store: <c>--db &lt;file&gt;</c> (SQLite) or <c>--postgres &lt;connection string&gt;
/// --schema &lt;name&gt;</c>.
/// </summary>
internal sealed record WorkerArguments(
    string? DatabasePath,
    string? PostgresConnection,
    string? Schema,
    string JournalPath,
    string? SendEventId,
    string? BlockAtStep,
    int Steps,
    string? MarkerDirectory,
    bool Cron)
{
    /// <summary>Runs the flow-control proof function (<c>--flow 1</c>) instead of the five-step proof.</summary>
    public bool Flow { get; init; }

    public static WorkerArguments Parse(string[] args)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i < args.Length; i += 2)
        {
            if (!args[i].StartsWith("--", StringComparison.Ordinal) || i + 1 >= args.Length)
            {
                throw new ArgumentException($"Expected '--name value' pairs, got '{string.Join(' ', args)}'", nameof(args));
            }

            values[args[i][2..]] = args[i + 1];
        }

        string Required(string name) => values.TryGetValue(name, out var value)
            ? value
            : throw new ArgumentException($"--{name} is required", nameof(args));

        var postgres = values.GetValueOrDefault("postgres");
        if ((postgres is null) == !values.ContainsKey("db"))
        {
            throw new ArgumentException("Give exactly one of --db <file> and --postgres <connection string>", nameof(args));
        }

        return new WorkerArguments(
            values.GetValueOrDefault("db"),
            postgres,
            postgres is null ? null : Required("schema"),
            Required("journal"),
            values.GetValueOrDefault("send"),
            values.GetValueOrDefault("block"),
            values.TryGetValue("steps", out var steps) ? int.Parse(steps, System.Globalization.CultureInfo.InvariantCulture) : 5,
            values.GetValueOrDefault("markers"),
            values.TryGetValue("cron", out var cron) && cron == "1")
        {
            Flow = values.TryGetValue("flow", out var flow) && flow == "1",
        };
    }
}
