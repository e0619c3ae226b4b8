namespace Baton.AspNetCore;

/// <summary>A link the host app puts in the dashboard's navigation bar (see <see cref="DashboardOptions.AddLink"/>).</summary>
/// <param name="Title">The text shown: 1 to 40 characters.</param>
/// <param name="Href">A path on this site starting with one <c>/</c>, or an absolute <c>http(s)</c> URL.</param>
public sealed record DashboardLink(string Title, string Href)
{
    /// <summary>Longest title: the navigation bar is one line.</summary>
    public const int MaxTitleLength = 40;

    /// <summary>Throws <see cref="ArgumentException"/> naming <c>title</c> or <c>href</c> when either is unusable.</summary>
    public void Validate()
    {
        if (string.IsNullOrWhiteSpace(Title) || Title.Length > MaxTitleLength)
        {
            throw new ArgumentException($"A dashboard link's title must be 1 to {MaxTitleLength} characters, not '{Title}'", "title");
        }

        // Only places a browser navigates to: a path of this site, or a web page elsewhere (never javascript: or data:).
        var sitePath = Href is ['/', not '/' and not '\\', ..] or "/";
        var webUrl = Uri.TryCreate(Href, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps);
        if (string.IsNullOrWhiteSpace(Href) || !(sitePath || webUrl) || Href.Any(char.IsControl))
        {
            throw new ArgumentException($"A dashboard link's href must be a path starting with '/' or an absolute http(s) URL, not '{Href}'", "href");
        }
    }
}
