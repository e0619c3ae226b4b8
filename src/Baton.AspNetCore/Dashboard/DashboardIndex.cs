using System.Net;
using System.Security.Cryptography;
using System.Text;

namespace Baton.AspNetCore.Dashboard;

/// <summary>
/// The dashboard's <c>index.html</c> with the host's links (<see cref="DashboardOptions.Links"/>) written into its
/// navigation bar where the page marks them (<c>&lt;!--baton:links--&gt;</c>). Built once when the dashboard is mapped;
/// its ETag follows the content, so a browser sees a changed set of links at once.
/// </summary>
internal static class DashboardIndex
{
    /// <summary>Where <c>index.html</c> takes the links.</summary>
    public const string Marker = "<!--baton:links-->";

    public static DashboardAssets.Asset Render(DashboardAssets.Asset index, IEnumerable<DashboardLink> links)
    {
        var html = new StringBuilder();
        foreach (var link in links)
        {
            html.Append("<a href=\"").Append(WebUtility.HtmlEncode(link.Href)).Append("\" data-link=\"host\">")
                .Append(WebUtility.HtmlEncode(link.Title)).Append("</a>");
        }

        if (html.Length == 0)
        {
            return index;
        }

        var page = Encoding.UTF8.GetString(index.Content);
        if (!page.Contains(Marker, StringComparison.Ordinal))
        {
            throw new InvalidOperationException($"The dashboard's index.html has no {Marker} to put the host's links in");
        }

        var bytes = Encoding.UTF8.GetBytes(page.Replace(Marker, html.ToString(), StringComparison.Ordinal));
        return new DashboardAssets.Asset(bytes, index.ContentType, "\"" + Convert.ToHexStringLower(SHA256.HashData(bytes))[..16] + "\"");
    }
}
