using Baton.AspNetCore;

namespace Crawler.Web;

/// <summary>The crawler as a section of Baton's dashboard: a link in its navigation bar; the crawler page links back.</summary>
internal static class CrawlerDashboard
{
    /// <summary>The navigation bar's text for the crawler.</summary>
    public const string Title = "Crawler";

    /// <summary>Where the crawler's page is.</summary>
    public const string Path = "/crawler";

    /// <summary>Baton's API and dashboard (settings from <c>Baton:Api</c>) with the crawler in the dashboard's navigation.</summary>
    public static IServiceCollection AddCrawlerBatonApi(this IServiceCollection services, IConfiguration configuration)
        => services.AddBatonApi(o =>
        {
            configuration.GetSection("Baton:Api").Bind(o);
            o.Dashboard.AddLink(Title, Path);
        });
}
