namespace Baton.TestSupport;

/// <summary>
/// How the tests that start worker processes (and kill them) find what to start; linked into each such test project.
/// </summary>
internal static class WorkerProcesses
{
    /// <summary>The dotnet host running the tests (<c>DOTNET_HOST_PATH</c>), else <c>dotnet</c> on the PATH.</summary>
    public static string DotnetHost()
        => Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host) ? host : "dotnet";

    /// <summary>
    /// The build output of the worker project <paramref name="project"/> under tests/: the test assembly runs from
    /// tests/&lt;test project&gt;/bin/&lt;configuration&gt;/&lt;tfm&gt;/, and the worker, a project reference of it (so built
    /// first, the same way), is in tests/&lt;project&gt;/bin/&lt;configuration&gt;/&lt;tfm&gt;/.
    /// </summary>
    public static string Assembly(string project)
    {
        var output = new DirectoryInfo(Path.TrimEndingDirectorySeparator(AppContext.BaseDirectory));
        var configuration = output.Parent!;
        var tests = configuration.Parent!.Parent!.Parent!;
        var path = Path.Combine(tests.FullName, project, "bin", configuration.Name, output.Name, project + ".dll");
        return File.Exists(path)
            ? path
            : throw new FileNotFoundException($"{project} is not built; build the test project that references it first", path);
    }
}
