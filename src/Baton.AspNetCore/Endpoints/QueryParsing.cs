using System.Globalization;

namespace Baton.AspNetCore.Endpoints;

/// <summary>Reads list filters from the query string; a bad value becomes a 400 naming the parameter.</summary>
internal static class QueryParsing
{
    public const int MaxLimit = 1000;

    public const int MaxText = 200;

    /// <summary>A query parameter with a bad value.</summary>
    public sealed class BadQueryException(string message) : Exception(message);

    public static RunQuery RunQuery(IQueryCollection query)
    {
        var (from, to) = Range(query);
        var cursor = RunCursor(query);
        if (to is { } end)
        {
            // Run ids sort by creation time (ULIDs): a run created before 'to' has an id below the first possible id of
            // 'to', so the scan can start there instead of at the newest run (which matters for a window far back).
            var bound = FirstIdAt(end);
            if (cursor is null || string.CompareOrdinal(cursor, bound) > 0)
            {
                cursor = bound;
            }
        }

        return new RunQuery
        {
            FunctionId = Text(query, "function"),
            Key = Key(query),
            Statuses = Statuses(query),
            CreatedFrom = from,
            CreatedTo = to,
            Text = SearchText(query),
            Limit = Limit(query),
            Cursor = cursor,
        };
    }

    public static EventQuery EventQuery(IQueryCollection query)
    {
        var (from, to) = Range(query);
        var cursor = Text(query, "cursor");
        if (cursor is not null && !IsEventCursor(cursor))
        {
            throw new BadQueryException($"'cursor' is not an event cursor (use the nextCursor of the previous page): '{cursor}'");
        }

        return new EventQuery { Name = Text(query, "name"), ReceivedFrom = from, ReceivedTo = to, Limit = Limit(query), Cursor = cursor };
    }

    public static IReadOnlyList<RunStatus>? Statuses(IQueryCollection query)
    {
        var values = query["status"].SelectMany(v => (v ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)).ToArray();
        return values.Length == 0 ? null : ParseStatuses(values, "status");
    }

    public static RunStatus[] ParseStatuses(IEnumerable<string> values, string name)
    {
        var result = new List<RunStatus>();
        foreach (var value in values)
        {
            if (!Enum.TryParse<RunStatus>(value, ignoreCase: true, out var status) || !Enum.IsDefined(status) || int.TryParse(value, CultureInfo.InvariantCulture, out _))
            {
                throw new BadQueryException($"'{name}' has an unknown run status '{value}'; use {string.Join(", ", Enum.GetNames<RunStatus>())}");
            }

            result.Add(status);
        }

        return result.Distinct().ToArray();
    }

    public static DateTimeOffset? Time(string? value, string name)
    {
        if (value is null)
        {
            return null;
        }

        if (DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var time))
        {
            return time;
        }

        throw new BadQueryException($"'{name}' is not an ISO 8601 time: '{value}'");
    }

    private static (DateTimeOffset? From, DateTimeOffset? To) Range(IQueryCollection query)
    {
        var from = Time(Text(query, "from"), "from");
        var to = Time(Text(query, "to"), "to");
        if (from is not null && to is not null && from > to)
        {
            throw new BadQueryException("'from' is after 'to'");
        }

        return (from, to);
    }

    /// <summary>The smallest run id (ULID: 48-bit milliseconds, then 80 random bits, Crockford base32) made at <paramref name="time"/>.</summary>
    internal static string FirstIdAt(DateTimeOffset time)
    {
        const string alphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
        var ms = (ulong)Math.Max(0, time.ToUnixTimeMilliseconds());
        var id = new char[26];
        for (var i = 9; i >= 0; i--)
        {
            id[i] = alphabet[(int)(ms & 31)];
            ms >>= 5;
        }

        Array.Fill(id, '0', 10, 16);
        return new string(id);
    }

    /// <summary>The page of a run's log lines: <c>cursor</c> is the sequence number of the last line seen.</summary>
    public static RunLogQuery RunLogQuery(string runId, IQueryCollection query)
    {
        var after = 0;
        if (Text(query, "cursor") is { } cursor
            && (!int.TryParse(cursor, NumberStyles.None, CultureInfo.InvariantCulture, out after)))
        {
            throw new BadQueryException($"'cursor' is not a log cursor (use the nextCursor of the previous page): '{cursor}'");
        }

        var limit = Text(query, "limit") is null ? MaxLimit : Limit(query);
        return new RunLogQuery { RunId = runId, After = after, Limit = limit };
    }

    private static string? Key(IQueryCollection query)
    {
        var key = Text(query, "key");
        if (key is not null && (key.Length > MaxText || key.Any(char.IsControl)))
        {
            throw new BadQueryException($"'key' must be at most {MaxText} characters without control characters");
        }

        return key;
    }

    private static string? SearchText(IQueryCollection query)
    {
        var text = Text(query, "text");
        if (text is not null && text.Length > MaxText)
        {
            throw new BadQueryException($"'text' is {text.Length} characters long; the limit is {MaxText}");
        }

        return text;
    }

    private static int Limit(IQueryCollection query)
    {
        var text = Text(query, "limit");
        if (text is null)
        {
            return 50;
        }

        if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var limit) || limit < 1 || limit > MaxLimit)
        {
            throw new BadQueryException($"'limit' must be a whole number from 1 to {MaxLimit}: '{text}'");
        }

        return limit;
    }

    private static string? RunCursor(IQueryCollection query)
    {
        var cursor = Text(query, "cursor");
        if (cursor is not null && (cursor.Length > 64 || !cursor.All(char.IsAsciiLetterOrDigit)))
        {
            throw new BadQueryException($"'cursor' is not a run cursor (use the nextCursor of the previous page): '{cursor}'");
        }

        return cursor;
    }

    private static bool IsEventCursor(string cursor)
    {
        var colon = cursor.IndexOf(':', StringComparison.Ordinal);
        return colon > 0 && cursor[..colon].All(char.IsAsciiDigit) && colon < 20 && cursor.Length - colon - 1 is > 0 and <= 256;
    }

    private static string? Text(IQueryCollection query, string name)
    {
        var values = query[name];
        if (values.Count > 1)
        {
            throw new BadQueryException($"'{name}' is given {values.Count} times");
        }

        var value = values.Count == 0 ? null : values[0];
        return string.IsNullOrEmpty(value) ? null : value;
    }
}
