namespace Baton.Tests.Resources;

public sealed class ResourceQuotaWindowTests
{
    private static readonly ResourceQuota PacificDaily = new(5000, TimeSpan.FromDays(1), new TimeOnly(0, 0), "America/Los_Angeles");

    [Fact]
    public void WindowAt_PacificMidnight_StartsAndEndsAtLocalMidnight()
    {
        var (start, end) = PacificDaily.WindowAt(DateTimeOffset.Parse("2026-06-15T06:59:59Z", System.Globalization.CultureInfo.InvariantCulture));

        // June: PDT (UTC-7). 06:59:59Z is 23:59:59 on June 14 local.
        Assert.Equal(DateTimeOffset.Parse("2026-06-14T07:00:00Z", System.Globalization.CultureInfo.InvariantCulture), start);
        Assert.Equal(DateTimeOffset.Parse("2026-06-15T07:00:00Z", System.Globalization.CultureInfo.InvariantCulture), end);
    }

    [Fact]
    public void WindowAt_SpringForwardDay_Is23HoursLong()
    {
        var (start, end) = PacificDaily.WindowAt(DateTimeOffset.Parse("2026-03-08T12:00:00Z", System.Globalization.CultureInfo.InvariantCulture));

        Assert.Equal(DateTimeOffset.Parse("2026-03-08T08:00:00Z", System.Globalization.CultureInfo.InvariantCulture), start);
        Assert.Equal(TimeSpan.FromHours(23), end - start);
    }

    [Fact]
    public void WindowAt_FallBackDay_Is25HoursLong()
    {
        var (start, end) = PacificDaily.WindowAt(DateTimeOffset.Parse("2026-11-01T12:00:00Z", System.Globalization.CultureInfo.InvariantCulture));

        Assert.Equal(DateTimeOffset.Parse("2026-11-01T07:00:00Z", System.Globalization.CultureInfo.InvariantCulture), start);
        Assert.Equal(TimeSpan.FromHours(25), end - start);
    }

    [Fact]
    public void WindowAt_ResetInsideTheSkippedHour_LandsJustAfterTheGap()
    {
        var quota = new ResourceQuota(10, TimeSpan.FromDays(1), new TimeOnly(2, 30), "America/Los_Angeles");

        var (start, _) = quota.WindowAt(DateTimeOffset.Parse("2026-03-08T12:00:00Z", System.Globalization.CultureInfo.InvariantCulture));

        // 02:30 does not exist on March 8; with the standard offset it names 10:30Z (03:30 PDT).
        Assert.Equal(DateTimeOffset.Parse("2026-03-08T10:30:00Z", System.Globalization.CultureInfo.InvariantCulture), start);
    }

    [Fact]
    public void WindowAt_EveryConsecutiveWindow_TouchesTheNextAcrossAYear()
    {
        var at = DateTimeOffset.Parse("2026-01-01T00:00:00Z", System.Globalization.CultureInfo.InvariantCulture);
        var (_, end) = PacificDaily.WindowAt(at);
        for (var i = 0; i < 366; i++)
        {
            var (nextStart, nextEnd) = PacificDaily.WindowAt(end);
            Assert.Equal(end, nextStart);
            Assert.InRange(nextEnd - nextStart, TimeSpan.FromHours(23), TimeSpan.FromHours(25));
            end = nextEnd;
        }
    }

    [Fact]
    public void WindowAt_MultiDayWindow_StartsEveryNDaysAtTheResetTime()
    {
        var weekly = new ResourceQuota(100, TimeSpan.FromDays(7), new TimeOnly(6, 0));
        var at = DateTimeOffset.Parse("2026-05-20T05:00:00Z", System.Globalization.CultureInfo.InvariantCulture);

        var (start, end) = weekly.WindowAt(at);

        Assert.True(start <= at && at < end);
        Assert.Equal(TimeSpan.FromDays(7), end - start);
        Assert.Equal(new TimeSpan(6, 0, 0), start.TimeOfDay);
        Assert.Equal(0, (DateOnly.FromDateTime(start.UtcDateTime).DayNumber - new DateOnly(1970, 1, 1).DayNumber) % 7);
    }

    [Fact]
    public void WindowAt_NoResetTime_AlignsToTheEpoch()
    {
        var hourly = new ResourceQuota(100, TimeSpan.FromHours(1));

        var (start, end) = hourly.WindowAt(DateTimeOffset.Parse("2026-05-20T05:42:10Z", System.Globalization.CultureInfo.InvariantCulture));

        Assert.Equal(DateTimeOffset.Parse("2026-05-20T05:00:00Z", System.Globalization.CultureInfo.InvariantCulture), start);
        Assert.Equal(DateTimeOffset.Parse("2026-05-20T06:00:00Z", System.Globalization.CultureInfo.InvariantCulture), end);
    }
}
