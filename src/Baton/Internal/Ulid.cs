namespace Baton.Internal;

/// <summary>
/// Sortable 26-character identifiers (ULID layout: 48-bit millisecond time + 80 random bits, Crockford base32).
/// Run and event ids sort by creation time, which keeps index inserts at the right edge of the B-tree.
/// Ids made by this process in the same millisecond increment the previous random part (monotonic ULIDs), so
/// they too sort in the order they were made: lists ordered by id are then newest first.
/// </summary>
internal static class Ulid
{
    private const string Alphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
    private static readonly Lock Gate = new();
    private static ulong _lastMillis;
    private static ulong _lastLow;
    private static ushort _lastHigh;

    public static string New(DateTimeOffset now)
    {
        var millis = (ulong)now.ToUnixTimeMilliseconds();
        ulong low;
        ushort high;
        lock (Gate)
        {
            if (millis == _lastMillis)
            {
                // The 80-bit random part plus one; starting from random bits, it does not run out within a millisecond.
                _lastLow++;
                if (_lastLow == 0)
                {
                    _lastHigh++;
                }
            }
            else
            {
                Span<byte> random = stackalloc byte[10];
                // Ids need uniqueness, not secrecy: the shared PRNG is far cheaper than the OS's CSPRNG on this hot path.
                Random.Shared.NextBytes(random);
                _lastMillis = millis;
                _lastLow = BitConverter.ToUInt64(random[..8]);
                _lastHigh = BitConverter.ToUInt16(random[8..]);
            }

            low = _lastLow;
            high = _lastHigh;
        }

        return Format(millis, low, high);
    }

    private static string Format(ulong millis, ulong r0, ushort r1)
    {
        return string.Create(26, (millis, r0, r1), static (chars, s) =>
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
