namespace Baton;

/// <summary>
/// The windowed part of a resource budget: at most <see cref="Limit"/> units per window. Windows of whole days
/// start at <see cref="ResetAt"/> (local time in <see cref="TimeZone"/>), so a "5,000 per day, reset at midnight
/// US Pacific" quota follows daylight saving time (its windows are 23 or 25 hours long on the changeover days).
/// Windows without a reset time are aligned to the Unix epoch in UTC (an hourly window starts on the hour).
/// </summary>
public sealed record ResourceQuota
{
    /// <summary>Creates a quota; throws <see cref="ArgumentException"/> naming the bad argument.</summary>
    /// <param name="limit">Units per window, at least 1.</param>
    /// <param name="window">Window length: positive; whole days when <paramref name="resetAt"/> or <paramref name="timeZone"/> is given.</param>
    /// <param name="resetAt">Local time of day at which a window starts. Default is midnight when a time zone is given.</param>
    /// <param name="timeZone">IANA (or Windows) time zone id of <paramref name="resetAt"/>. Default is UTC.</param>
    public ResourceQuota(long limit, TimeSpan window, TimeOnly? resetAt = null, string? timeZone = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        if (window < TimeSpan.FromSeconds(1))
        {
            throw new ArgumentOutOfRangeException(nameof(window), window, "The window must be at least one second long");
        }

        if (window.Ticks % TimeSpan.TicksPerMillisecond != 0)
        {
            throw new ArgumentException("The window must be a whole number of milliseconds", nameof(window));
        }

        var anchored = resetAt is not null || timeZone is not null;
        if (anchored && window.Ticks % TimeSpan.TicksPerDay != 0)
        {
            throw new ArgumentException("A window with a reset time or time zone must be a whole number of days", nameof(window));
        }

        if (timeZone is not null)
        {
            try
            {
                Zone = TimeZoneInfo.FindSystemTimeZoneById(timeZone);
            }
            catch (Exception e) when (e is TimeZoneNotFoundException or InvalidTimeZoneException)
            {
                throw new ArgumentException($"Unknown time zone '{timeZone}'", nameof(timeZone), e);
            }
        }

        Limit = limit;
        Window = window;
        ResetAt = anchored ? resetAt ?? TimeOnly.MinValue : null;
        TimeZone = timeZone;
    }

    /// <summary>Units per window.</summary>
    public long Limit { get; }

    /// <summary>Window length.</summary>
    public TimeSpan Window { get; }

    /// <summary>Local time of day at which windows start, or null for epoch-aligned UTC windows.</summary>
    public TimeOnly? ResetAt { get; }

    /// <summary>Time zone id of <see cref="ResetAt"/>, or null for UTC.</summary>
    public string? TimeZone { get; }

    private TimeZoneInfo Zone { get; } = TimeZoneInfo.Utc;

    /// <summary>The window that contains <paramref name="now"/>: its start (inclusive) and end (exclusive).</summary>
    public (DateTimeOffset Start, DateTimeOffset End) WindowAt(DateTimeOffset now)
    {
        if (ResetAt is not { } reset)
        {
            var size = Window.Ticks;
            var sinceEpoch = (now - DateTimeOffset.UnixEpoch).Ticks;
            var start = DateTimeOffset.UnixEpoch.AddTicks(sinceEpoch - (((sinceEpoch % size) + size) % size));
            return (start, start + Window);
        }

        // Windows of N days start on local dates N days apart counted from 1970-01-01, at the reset time.
        var days = (int)(Window.Ticks / TimeSpan.TicksPerDay);
        var epochDay = new DateOnly(1970, 1, 1).DayNumber;
        var today = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(now, Zone).DateTime);
        var offset = (((today.DayNumber - epochDay) % days) + days) % days;
        var day = today.AddDays(-offset);
        var boundary = Boundary(day, reset);
        if (boundary > now)
        {
            day = day.AddDays(-days);
            boundary = Boundary(day, reset);
        }

        return (boundary, Boundary(day.AddDays(days), reset));
    }

    /// <summary>The instant a local date and time of day names in the zone, safe across daylight saving changes.</summary>
    private DateTimeOffset Boundary(DateOnly day, TimeOnly time)
    {
        var local = day.ToDateTime(time, DateTimeKind.Unspecified);
        TimeSpan offset;
        if (Zone.IsInvalidTime(local))
        {
            // Skipped by a spring-forward change: use the offset in force before it, which lands just after the gap.
            offset = Zone.GetUtcOffset(local.AddDays(-1));
        }
        else if (Zone.IsAmbiguousTime(local))
        {
            // Repeated by a fall-back change: the first occurrence (the larger offset is the earlier instant).
            offset = Zone.GetAmbiguousTimeOffsets(local).Max();
        }
        else
        {
            offset = Zone.GetUtcOffset(local);
        }

        return new DateTimeOffset(local, offset).ToUniversalTime();
    }
}
