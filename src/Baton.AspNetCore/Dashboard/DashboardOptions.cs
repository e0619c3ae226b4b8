namespace Baton.AspNetCore;

/// <summary>Settings of the dashboard served at <c>/dashboard/</c> (<see cref="BatonApiOptions.Dashboard"/>).</summary>
public sealed class DashboardOptions
{
    /// <summary>
    /// Links the host app adds to the dashboard's navigation bar, after Baton's own pages and in this order, e.g. to its
    /// own pages beside the dashboard. Default is none.
    /// </summary>
    public IList<DashboardLink> Links { get; } = [];

    /// <summary>
    /// Adds a link to the navigation bar: <c>o.Dashboard.AddLink("Crawler", "/crawler")</c>. <paramref name="href"/> is a
    /// path on this site (starting with one <c>/</c>, taken as it is, whatever prefix <c>MapBaton</c> got) or an absolute
    /// <c>http(s)</c> URL. Throws <see cref="ArgumentException"/> naming the bad argument, and then adds nothing.
    /// </summary>
    /// <returns>These options, to add more.</returns>
    public DashboardOptions AddLink(string title, string href)
    {
        var link = new DashboardLink(title, href);
        link.Validate();
        Links.Add(link);
        return this;
    }

    /// <summary>Checks every link (also those bound from configuration); throws <see cref="ArgumentException"/> naming the bad one.</summary>
    public void Validate()
    {
        foreach (var link in Links)
        {
            ArgumentNullException.ThrowIfNull(link, nameof(Links));
            link.Validate();
        }
    }
}
