using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using Crawler.Marketplaces;

namespace Crawler.Ebay;

/// <summary>
/// Holds the application's OAuth client-credentials token: fetched on first use, shared by all calls, renewed
/// <see cref="EbayOptions.RenewBefore"/> before it expires (eBay issues no refresh token) or at once after a 401.
/// </summary>
internal sealed class EbayTokenProvider(IHttpClientFactory httpClients, EbayOptions options, TimeProvider time) : IDisposable
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private string? _token;
    private DateTimeOffset _renewAt;

    /// <summary>Tokens fetched so far (for tests and diagnostics).</summary>
    public int TokensFetched { get; private set; }

    public async Task<string> GetAsync(string? rejected, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var stale = _token is null || time.GetUtcNow() >= _renewAt || (rejected is not null && rejected == _token);
            if (stale)
            {
                await FetchAsync(cancellationToken).ConfigureAwait(false);
            }

            return _token!;
        }
        finally
        {
            _gate.Release();
        }
    }

    public void Dispose() => _gate.Dispose();

    private async Task FetchAsync(CancellationToken cancellationToken)
    {
        using var http = httpClients.CreateClient(EbayBrowseAdapter.HttpClientName);
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(new Uri(options.BaseUrl), "/identity/v1/oauth2/token"));
        var basic = Convert.ToBase64String(Encoding.UTF8.GetBytes($"{options.ClientId}:{options.ClientSecret}"));
        request.Headers.Authorization = new AuthenticationHeaderValue("Basic", basic);
        request.Content = new FormUrlEncodedContent([
            new("grant_type", "client_credentials"),
            new("scope", options.Scope),
        ]);
        HttpResponseMessage response;
        try
        {
            response = await http.SendAsync(request, cancellationToken).ConfigureAwait(false);
        }
        catch (HttpRequestException e)
        {
            throw new MarketplaceUnavailableException("ebay", "token endpoint unreachable", e);
        }

        using (response)
        {
            if ((int)response.StatusCode >= 500)
            {
                throw new MarketplaceUnavailableException("ebay", $"token endpoint answered {(int)response.StatusCode}");
            }

            if (!response.IsSuccessStatusCode)
            {
                var body = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
                throw new MarketplaceRequestException("ebay", (int)response.StatusCode, null, $"the token request was refused: {body}");
            }

            var token = await response.Content.ReadFromJsonAsync<EbayToken>(EbayJson.Options, cancellationToken).ConfigureAwait(false);
            if (token?.AccessToken is null || token.ExpiresIn <= 0)
            {
                throw new MarketplaceUnavailableException("ebay", "the token endpoint answered without a token");
            }

            _token = token.AccessToken;
            var lifetime = TimeSpan.FromSeconds(token.ExpiresIn);
            _renewAt = time.GetUtcNow() + (lifetime > options.RenewBefore * 2 ? lifetime - options.RenewBefore : lifetime / 2);
            TokensFetched++;
        }
    }
}
