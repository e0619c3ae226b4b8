namespace Baton.Bench.Harness;

/// <summary>A fresh directory under the system temp folder, deleted with its files on dispose.</summary>
internal sealed class TempDirectory : IDisposable
{
    private TempDirectory(string path)
    {
        Path = path;
    }

    public string Path { get; }

    public static TempDirectory Create(string label)
    {
        var path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"baton-bench-{label}-{Guid.NewGuid().ToString("N")[..8]}");
        Directory.CreateDirectory(path);
        return new TempDirectory(path);
    }

    /// <summary>A file path inside the directory.</summary>
    public string File(string name) => System.IO.Path.Combine(Path, name);

    public void Dispose()
    {
        // SQLite may still hold the file for a moment after its pools were cleared; retry briefly.
        for (var attempt = 0; attempt < 10; attempt++)
        {
            try
            {
                if (Directory.Exists(Path))
                {
                    Directory.Delete(Path, recursive: true);
                }

                return;
            }
            catch (IOException)
            {
                Thread.Sleep(100);
            }
        }

        Console.Error.WriteLine($"warning: could not delete {Path}");
    }
}
