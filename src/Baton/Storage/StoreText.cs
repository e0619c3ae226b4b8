using System.Text;

namespace Baton.Storage;

/// <summary>Text-search helpers shared by providers.</summary>
public static class StoreText
{
    /// <summary>A LIKE pattern (escape character <c>\</c>) matching any text that contains <paramref name="text"/> literally.</summary>
    public static string ContainsPattern(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var pattern = new StringBuilder(text.Length + 2).Append('%');
        foreach (var c in text)
        {
            if (c is '%' or '_' or '\\')
            {
                pattern.Append('\\');
            }

            pattern.Append(c);
        }

        return pattern.Append('%').ToString();
    }
}
