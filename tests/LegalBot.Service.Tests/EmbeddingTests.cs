namespace LegalBot.Service.Tests;

/// <summary>A county portal on another origin may embed the chat when staff list it; any other origin may not.</summary>
public sealed class EmbeddingTests
{
    private const string Portal = "https://www.county.example.gov.cn";

    [Theory]
    [InlineData("api/webchat/token")]
    [InlineData("v3/directline/conversations")]
    [InlineData("v3/directline/conversations/abc/activities")]
    public async Task Listed_origins_pass_the_preflight_and_others_do_not(string path)
    {
        using var workspace = new ServiceWorkspace(withMatters: false);
        await using var service = await ServiceProcess.StartAsync(workspace.Knowledge, workspace.Data,
            new Dictionary<string, string> { ["WebChat__AllowedOrigins__0"] = Portal });

        using var allowed = await PreflightAsync(service, path, Portal);
        Assert.True((int)allowed.StatusCode is 200 or 204, allowed.ToString());
        Assert.Equal(Portal, allowed.Headers.GetValues("Access-Control-Allow-Origin").Single());
        var headers = string.Join(",", allowed.Headers.GetValues("Access-Control-Allow-Headers")).ToLowerInvariant();
        Assert.Contains("authorization", headers, StringComparison.Ordinal);
        Assert.Contains("x-ms-bot-agent", headers, StringComparison.Ordinal);

        using var other = await PreflightAsync(service, path, "https://evil.example.com");
        Assert.False(other.Headers.Contains("Access-Control-Allow-Origin"));

        // The real request from the portal carries the header the browser needs to hand the response to the page.
        using var token = new HttpRequestMessage(HttpMethod.Post, "api/webchat/token");
        token.Headers.Add("Origin", Portal);
        using var response = await service.Http.SendAsync(token);
        Assert.Equal(Portal, response.Headers.GetValues("Access-Control-Allow-Origin").Single());
    }

    [Fact]
    public async Task Without_listed_origins_no_other_page_may_call()
    {
        using var workspace = new ServiceWorkspace(withMatters: false);
        await using var service = await ServiceProcess.StartAsync(workspace.Knowledge, workspace.Data);
        using var preflight = await PreflightAsync(service, "api/webchat/token", Portal);
        Assert.False(preflight.Headers.Contains("Access-Control-Allow-Origin"));
    }

    private static async Task<HttpResponseMessage> PreflightAsync(ServiceProcess service, string path, string origin)
    {
        using var request = new HttpRequestMessage(HttpMethod.Options, path);
        request.Headers.Add("Origin", origin);
        request.Headers.Add("Access-Control-Request-Method", "POST");
        request.Headers.Add("Access-Control-Request-Headers", "authorization,content-type,x-ms-bot-agent");
        return await service.Http.SendAsync(request);
    }
}
