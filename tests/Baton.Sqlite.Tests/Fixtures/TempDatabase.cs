namespace Baton.Sqlite.Tests.Fixtures;

/// <summary>A private folder for one test's database files (and journals, crash images), deleted afterwards.</summary>
internal sealed class TempDatabase : IDisposable
{
    public TempDatabase()
    {
        Folder = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "baton-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Folder);
        Path = PathOf("baton.db");
    }

    /// <summary>The folder holding the test's files.</summary>
    public string Folder { get; }

    /// <summary>The main database file.</summary>
    public string Path { get; }

    /// <summary>Another file in the folder.</summary>
    public string PathOf(string name) => System.IO.Path.Combine(Folder, name);

    public void Dispose()
    {
        try
        {
            Directory.Delete(Folder, recursive: true);
        }
        catch (IOException)
        {
            // A process that is still closing may hold a file; the temp folder is cleaned up eventually anyway.
        }
    }
}
