using System.Net;
using System.Net.Http.Headers;
using Microsoft.Extensions.Time.Testing;

namespace Baton.Tests.Resources;

public sealed class HttpResourceExtensionsTests
{
    [Fact]
    public void ThrowIfResourceExhausted_429WithSeconds_CarriesTheDelay()
    {
        using var response = new HttpResponseMessage(HttpStatusCode.TooManyRequests);
        response.Headers.RetryAfter = new RetryConditionHeaderValue(TimeSpan.FromSeconds(42));

        var error = Assert.Throws<ResourceExhaustedException>(() => response.ThrowIfResourceExhausted());

        Assert.Equal(TimeSpan.FromSeconds(42), error.RetryAfter);
    }

    [Fact]
    public void ThrowIfResourceExhausted_429WithDate_MeasuresFromTheClock()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
        using var response = new HttpResponseMessage(HttpStatusCode.TooManyRequests);
        response.Headers.RetryAfter = new RetryConditionHeaderValue(time.GetUtcNow() + TimeSpan.FromMinutes(3));

        var error = Assert.Throws<ResourceExhaustedException>(() => response.ThrowIfResourceExhausted(time));

        Assert.Equal(TimeSpan.FromMinutes(3), error.RetryAfter);
    }

    [Fact]
    public void ThrowIfResourceExhausted_429WithoutHeader_HasNoDelay()
    {
        using var response = new HttpResponseMessage(HttpStatusCode.TooManyRequests);

        Assert.Null(Assert.Throws<ResourceExhaustedException>(() => response.ThrowIfResourceExhausted()).RetryAfter);
    }

    [Theory]
    [InlineData(HttpStatusCode.OK)]
    [InlineData(HttpStatusCode.ServiceUnavailable)]
    public void ThrowIfResourceExhausted_Other_ReturnsTheResponse(HttpStatusCode status)
    {
        using var response = new HttpResponseMessage(status);

        Assert.Same(response, response.ThrowIfResourceExhausted());
    }

    [Fact]
    public void ResourceExhaustedException_NegativeDelay_Throws()
        => Assert.Throws<ArgumentOutOfRangeException>(() => new ResourceExhaustedException(TimeSpan.FromSeconds(-1)));
}
