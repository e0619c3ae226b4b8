using System.Text.Json;

namespace Baton.Tests.TestSupport;

public static class RunOutput
{
    /// <summary>The run's JSON output read back as <typeparamref name="T"/>, as a consumer of the inspection API would.</summary>
    public static T? OutputAs<T>(this RunInfo run) => JsonSerializer.Deserialize<T>(run.Output ?? "null", JsonSerializerOptions.Web);
}
