using System.Collections.Frozen;
using System.Reflection;
using System.Security.Cryptography;

namespace Baton.AspNetCore.Dashboard;

/// <summary>
/// The dashboard's files (HTML, JS modules, CSS), embedded in this assembly as resources named
/// <c>Baton.Dashboard/&lt;path&gt;</c>, so a host needs no build step and no static-files setup to serve them.
/// </summary>
internal sealed class DashboardAssets
{
    private const string ResourcePrefix = "Baton.Dashboard/";

    private static readonly FrozenDictionary<string, string> ContentTypes = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
    {
        [".html"] = "text/html; charset=utf-8",
        [".js"] = "text/javascript; charset=utf-8",
        [".css"] = "text/css; charset=utf-8",
        [".svg"] = "image/svg+xml",
        [".json"] = "application/json",
    }.ToFrozenDictionary(StringComparer.OrdinalIgnoreCase);

    private readonly FrozenDictionary<string, Asset> _assets;

    private DashboardAssets(FrozenDictionary<string, Asset> assets) => _assets = assets;

    /// <summary>The files embedded in Baton.AspNetCore.</summary>
    public static DashboardAssets Embedded { get; } = Load(typeof(DashboardAssets).Assembly);

    /// <summary>Relative paths of every file (<c>index.html</c>, <c>js/app.js</c>, ...).</summary>
    public IEnumerable<string> Paths => _assets.Keys;

    public Asset? Find(string path) => _assets.GetValueOrDefault(path);

    private static DashboardAssets Load(Assembly assembly)
    {
        var assets = new Dictionary<string, Asset>(StringComparer.Ordinal);
        foreach (var name in assembly.GetManifestResourceNames())
        {
            if (!name.StartsWith(ResourcePrefix, StringComparison.Ordinal))
            {
                continue;
            }

            using var stream = assembly.GetManifestResourceStream(name)!;
            using var buffer = new MemoryStream();
            stream.CopyTo(buffer);
            var bytes = buffer.ToArray();
            var path = name[ResourcePrefix.Length..].Replace('\\', '/');
            var type = ContentTypes.GetValueOrDefault(Path.GetExtension(path), "application/octet-stream");
            var etag = "\"" + Convert.ToHexStringLower(SHA256.HashData(bytes))[..16] + "\"";
            assets[path] = new Asset(bytes, type, etag);
        }

        return new DashboardAssets(assets.ToFrozenDictionary(StringComparer.Ordinal));
    }

    /// <summary>One embedded file.</summary>
    /// <param name="Content">Its bytes.</param>
    /// <param name="ContentType">Its media type.</param>
    /// <param name="ETag">A strong validator derived from the content.</param>
    internal sealed record Asset(byte[] Content, string ContentType, string ETag);
}
