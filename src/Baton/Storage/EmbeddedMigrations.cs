using System.Globalization;
using System.Reflection;

namespace Baton.Storage;

/// <summary>
/// Reads a provider's numbered schema migrations: SQL files embedded under a <c>Migrations</c> folder and
/// named <c>NNNN_description.sql</c>, returned in version order.
/// </summary>
public static class EmbeddedMigrations
{
    /// <summary>The migrations embedded in <paramref name="assembly"/>, oldest first.</summary>
    public static IReadOnlyList<(int Version, string Sql)> Load(Assembly assembly)
    {
        ArgumentNullException.ThrowIfNull(assembly);
        const string folder = ".Migrations.";
        return assembly.GetManifestResourceNames()
            .Where(n => n.EndsWith(".sql", StringComparison.Ordinal) && n.Contains(folder, StringComparison.Ordinal))
            .Select(n =>
            {
                var file = n[(n.IndexOf(folder, StringComparison.Ordinal) + folder.Length)..];
                var version = int.Parse(file[..file.IndexOf('_', StringComparison.Ordinal)], CultureInfo.InvariantCulture);
                using var stream = assembly.GetManifestResourceStream(n)!;
                using var reader = new StreamReader(stream);
                return (version, reader.ReadToEnd());
            })
            .OrderBy(m => m.version)
            .ToArray();
    }
}
