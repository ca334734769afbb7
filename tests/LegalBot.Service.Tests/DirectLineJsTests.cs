using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using LegalBot.Knowledge.Tests;

namespace LegalBot.Service.Tests;

/// <summary>
/// The official botframework-directlinejs 0.15.8 (tests/LegalBot.Service.Tests/directlinejs, installed from npm by the
/// build) against the real service, with its default transport (WebSocket) and with polling.
/// </summary>
public sealed class DirectLineJsTests
{
    private static string ClientFolder => Path.Combine(TestPaths.RepoRoot, "tests", "LegalBot.Service.Tests", "directlinejs");

    [Theory]
    [InlineData("websocket")]
    [InlineData("polling")]
    public async Task The_official_client_gets_its_replies(string transport)
    {
        using var workspace = new ServiceWorkspace(withMatters: false);
        await using var service = await ServiceProcess.StartAsync(workspace.Knowledge, workspace.Data);
        var start = await (await service.Http.PostAsync("api/webchat/token", null)).Content.ReadFromJsonAsync<JsonElement>();
        var streamUrl = start.GetProperty("streamUrl").GetString()!;
        Assert.StartsWith($"ws://{service.BaseAddress.Authority}/v3/directline/conversations/", streamUrl, StringComparison.Ordinal);

        var (code, output) = await RunAsync(new Uri(service.BaseAddress, "v3/directline").ToString(), start.GetProperty("token").GetString()!, transport,
            "申请法律援助的条件是什么", "那要带什么材料？");
        Assert.True(code == 0, output + service.Output);
        var replies = output.Split('\n').Where(l => l.StartsWith('{')).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        Assert.All(replies, r => Assert.Equal(transport, r.GetProperty("transport").GetString()));
        Assert.Contains(replies, r => r.GetProperty("text").GetString()!.Contains("申请法律援助", StringComparison.Ordinal));
        Assert.Contains(replies, r => r.GetProperty("text").GetString()!.Contains("材料", StringComparison.Ordinal));
        Assert.Contains("DONE", output, StringComparison.Ordinal);
    }

    private static async Task<(int Code, string Output)> RunAsync(params string[] arguments)
    {
        var info = new ProcessStartInfo("node", ["--experimental-websocket", "client.js", .. arguments])
        {
            WorkingDirectory = ClientFolder, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
        };
        // Node 22 and later have WebSocket without the flag and reject it as unknown.
        if (NodeMajor() >= 22) info.ArgumentList.RemoveAt(0);
        using var node = Process.Start(info)!;
        var stdout = node.StandardOutput.ReadToEndAsync();
        var stderr = node.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await node.WaitForExitAsync(timeout.Token);
        return (node.ExitCode, await stdout + await stderr);
    }

    private static int NodeMajor()
    {
        using var node = Process.Start(new ProcessStartInfo("node", ["--version"]) { RedirectStandardOutput = true, UseShellExecute = false })!;
        var version = node.StandardOutput.ReadToEnd().Trim().TrimStart('v');
        node.WaitForExit();
        return int.TryParse(version.Split('.')[0], out var major) ? major : 0;
    }
}
