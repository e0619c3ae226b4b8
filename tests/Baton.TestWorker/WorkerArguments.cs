namespace Baton.TestWorker;

/// <summary>The worker's command line.</summary>
internal sealed record WorkerArguments(string DatabasePath, string JournalPath, string? SendEventId, string? BlockAtStep, int Steps)
{
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

        return new WorkerArguments(
            Required("db"),
            Required("journal"),
            values.GetValueOrDefault("send"),
            values.GetValueOrDefault("block"),
            values.TryGetValue("steps", out var steps) ? int.Parse(steps, System.Globalization.CultureInfo.InvariantCulture) : 5);
    }
}
