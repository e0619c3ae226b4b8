using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Baton.Cli;

/// <summary>Calls Baton's HTTP API at <c>--url</c> with the API key from <c>BATON_API_KEY</c>.</summary>
internal sealed class ApiClient(HttpClient http, Uri baseUrl, string? apiKey)
{
    public async Task<JsonNode> GetAsync(string path, CancellationToken cancellationToken)
        => await SendAsync(HttpMethod.Get, path, null, cancellationToken).ConfigureAwait(false);

    public async Task<JsonNode> PostAsync(string path, JsonNode? body, CancellationToken cancellationToken)
        => await SendAsync(HttpMethod.Post, path, body, cancellationToken).ConfigureAwait(false);

    /// <summary>Reads the live stream and calls <paramref name="frame"/> with each event name and data until it returns false.</summary>
    public async Task StreamAsync(string path, Action connected, Func<string, JsonNode, bool> frame, CancellationToken cancellationToken)
    {
        using var request = Request(HttpMethod.Get, path, null);
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/event-stream"));
        using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
        await EnsureSuccessAsync(response, cancellationToken).ConfigureAwait(false);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false));
        string? name = null;
        var data = new StringBuilder();
        while (await reader.ReadLineAsync(cancellationToken).ConfigureAwait(false) is { } line)
        {
            if (line.Length == 0)
            {
                if (name is not null && data.Length > 0 && !frame(name, JsonNode.Parse(data.ToString())!))
                {
                    return;
                }

                name = null;
                data.Clear();
            }
            else if (line == ": connected")
            {
                connected();
            }
            else if (line.StartsWith("event:", StringComparison.Ordinal))
            {
                name = line[6..].Trim();
            }
            else if (line.StartsWith("data:", StringComparison.Ordinal))
            {
                data.Append(line[5..].Trim());
            }
        }
    }

    private async Task<JsonNode> SendAsync(HttpMethod method, string path, JsonNode? body, CancellationToken cancellationToken)
    {
        using var request = Request(method, path, body);
        using var response = await http.SendAsync(request, cancellationToken).ConfigureAwait(false);
        await EnsureSuccessAsync(response, cancellationToken).ConfigureAwait(false);
        var text = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        return JsonNode.Parse(text.Length == 0 ? "{}" : text)!;
    }

    private HttpRequestMessage Request(HttpMethod method, string path, JsonNode? body)
    {
        var request = new HttpRequestMessage(method, new Uri(baseUrl, path));
        if (!string.IsNullOrEmpty(apiKey))
        {
            request.Headers.Add("X-Baton-Api-Key", apiKey);
        }

        if (body is not null)
        {
            request.Content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json");
        }

        return request;
    }

    private static async Task EnsureSuccessAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        if (response.IsSuccessStatusCode)
        {
            return;
        }

        var text = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        string message;
        try
        {
            message = JsonNode.Parse(text)?["error"]?.GetValue<string>() ?? text;
        }
        catch (JsonException)
        {
            message = text;
        }

        throw new ApiException((int)response.StatusCode, $"{(int)response.StatusCode}: {message}");
    }
}
