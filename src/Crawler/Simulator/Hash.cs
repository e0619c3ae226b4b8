namespace Crawler.Simulator;

/// <summary>Deterministic hashing (SplitMix64) so a seed always gives the same catalogue, on any machine.</summary>
internal static class Hash
{
    public static ulong Of(params long[] parts)
    {
        var h = 0x9E3779B97F4A7C15UL;
        foreach (var part in parts)
        {
            h = Mix(h ^ (ulong)part);
        }

        return h;
    }

    /// <summary>A number in [0, 1) from the hash of <paramref name="parts"/>.</summary>
    public static double Unit(params long[] parts) => (Of(parts) >> 11) * (1.0 / (1UL << 53));

    /// <summary>A stable 64-bit number for a string (not <see cref="string.GetHashCode()"/>, which changes per process).</summary>
    public static long OfString(string value)
    {
        var h = 1469598103934665603UL;
        foreach (var c in value)
        {
            h = (h ^ c) * 1099511628211UL;
        }

        return (long)h;
    }

    /// <summary>A standard normal number from two uniform ones (Box–Muller).</summary>
    public static double Normal(double u1, double u2) => Math.Sqrt(-2 * Math.Log(1 - u1)) * Math.Cos(2 * Math.PI * u2);

    private static ulong Mix(ulong z)
    {
        z += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}
