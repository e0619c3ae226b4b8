namespace Baton.Internal;

/// <summary>Checks event names and ids before anything is stored.</summary>
internal static class EventValidation
{
    public const int MaxNameLength = 256;
    public const int MaxIdLength = 256;

    /// <summary>Returns the problem with <paramref name="name"/>, or null when it is valid.</summary>
    public static string? CheckName(string? name)
    {
        if (string.IsNullOrWhiteSpace(name))
        {
            return "event name must not be empty";
        }

        if (name.Length > MaxNameLength)
        {
            return $"event name is {name.Length} characters long; the limit is {MaxNameLength}";
        }

        foreach (var c in name)
        {
            if (char.IsControl(c))
            {
                return $"event name '{Printable(name)}' contains a control character (U+{(int)c:X4})";
            }
        }

        return null;
    }

    public static string? CheckId(string? id)
    {
        if (id is null)
        {
            return null;
        }

        if (id.Length == 0 || id.Length > MaxIdLength)
        {
            return $"event id must be 1 to {MaxIdLength} characters long";
        }

        foreach (var c in id)
        {
            if (char.IsControl(c))
            {
                return "event id contains a control character";
            }
        }

        return null;
    }

    private static string Printable(string s) => new(s.Select(c => char.IsControl(c) ? '?' : c).ToArray());
}
