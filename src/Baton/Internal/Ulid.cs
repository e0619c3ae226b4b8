namespace Baton.Internal;

/// <summary>
/// Sortable 26-character identifiers (ULID layout: 48-bit millisecond time + 80 random bits, Crockford base32).
/// Run and event ids sort by creation time, which keeps index inserts at the right edge of the B-tree.
/// </summary>
internal static class Ulid
{
    private const string Alphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

    public static string New(DateTimeOffset now)
    {
        // Ids need uniqueness, not secrecy: the shared PRNG is far cheaper than the OS's CSPRNG on this hot path.
        Span<byte> random = stackalloc byte[10];
        Random.Shared.NextBytes(random);
        return Format((ulong)now.ToUnixTimeMilliseconds(), random);
    }

    private static string Format(ulong millis, ReadOnlySpan<byte> random)
    {
        return string.Create(26, (millis, r0: BitConverter.ToUInt64(random[..8]), r1: BitConverter.ToUInt16(random[8..])), static (chars, s) =>
        {
            var time = s.millis;
            for (var i = 9; i >= 0; i--)
            {
                chars[i] = Alphabet[(int)(time & 31)];
                time >>= 5;
            }

            // 80 random bits: 64 from r0 and 16 from r1, 5 bits per char.
            var low = s.r0;
            var high = (ulong)s.r1;
            for (var i = 25; i >= 10; i--)
            {
                chars[i] = Alphabet[(int)(low & 31)];
                low = (low >> 5) | ((high & 31) << 59);
                high >>= 5;
            }
        });
    }
}
