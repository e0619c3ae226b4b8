namespace Baton.Cli;

/// <summary>
/// A small POSIX-style parser: positional words, <c>--name value</c>, <c>--name=value</c> and flags. Options a command
/// does not know are an error, so a typo never silently widens a replay or cancel.
/// </summary>
internal sealed class CliArgs
{
    private readonly Dictionary<string, List<string>> _options = new(StringComparer.Ordinal);
    private readonly HashSet<string> _used = new(StringComparer.Ordinal);

    private CliArgs(List<string> positional) => Positional = positional;

    public List<string> Positional { get; }

    /// <summary>Parses <paramref name="args"/>; <paramref name="flags"/> are options that take no value.</summary>
    public static CliArgs Parse(IReadOnlyList<string> args, ISet<string> flags)
    {
        var result = new CliArgs([]);
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            if (arg == "--")
            {
                result.Positional.AddRange(args.Skip(i + 1));
                break;
            }

            if (!arg.StartsWith("--", StringComparison.Ordinal) || arg.Length == 2)
            {
                result.Positional.Add(arg);
                continue;
            }

            var eq = arg.IndexOf('=', StringComparison.Ordinal);
            var name = eq > 0 ? arg[2..eq] : arg[2..];
            string value;
            if (eq > 0)
            {
                value = arg[(eq + 1)..];
            }
            else if (flags.Contains(name))
            {
                value = "true";
            }
            else if (i + 1 < args.Count)
            {
                value = args[++i];
            }
            else
            {
                throw new UsageException($"--{name} needs a value");
            }

            if (!result._options.TryGetValue(name, out var list))
            {
                list = [];
                result._options[name] = list;
            }

            list.Add(value);
        }

        return result;
    }

    public string? Option(string name)
    {
        _used.Add(name);
        if (!_options.TryGetValue(name, out var values))
        {
            return null;
        }

        return values.Count > 1 ? throw new UsageException($"--{name} is given {values.Count} times") : values[0];
    }

    public IReadOnlyList<string> Options(string name)
    {
        _used.Add(name);
        return _options.TryGetValue(name, out var values) ? values : [];
    }

    public bool Flag(string name) => Option(name) is { } v && (v == "true" || (bool.TryParse(v, out var b) ? b : throw new UsageException($"--{name} is true or false: '{v}'")));

    public int? Int(string name)
    {
        var text = Option(name);
        if (text is null)
        {
            return null;
        }

        return int.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var value) && value > 0
            ? value
            : throw new UsageException($"--{name} must be a positive whole number: '{text}'");
    }

    /// <summary>Fails on options the command did not ask for and on extra positional words.</summary>
    public void EnsureAllUsed(int positional)
    {
        if (_options.Keys.FirstOrDefault(k => !_used.Contains(k)) is { } unknown)
        {
            throw new UsageException($"unknown option --{unknown}");
        }

        if (Positional.Count > positional)
        {
            throw new UsageException($"unexpected argument '{Positional[positional]}'");
        }
    }
}

/// <summary>The command line is wrong; the CLI prints the message and the usage and exits with 2.</summary>
internal sealed class UsageException(string message) : Exception(message);

/// <summary>The API refused a request; the CLI prints its message and exits with 1.</summary>
internal sealed class ApiException(int status, string message) : Exception(message)
{
    public int Status { get; } = status;
}
