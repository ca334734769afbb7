using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using LegalBot.Knowledge.Tests;

namespace LegalBot.Service.Tests;

/// <summary>The real LegalBot.Service, started from its build output as a child process on a free loopback port.</summary>
internal sealed class ServiceProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();

    private ServiceProcess(Process process, Uri baseAddress)
    {
        _process = process;
        BaseAddress = baseAddress;
        Http = new HttpClient { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(30) };
    }

    public Uri BaseAddress { get; }
    public HttpClient Http { get; }
    public string Output { get { lock (_output) return _output.ToString(); } }

    public static string ServiceDll
    {
        get
        {
            // tests/LegalBot.Service.Tests/bin/<Configuration>/net10.0/ → bot/LegalBot.Service/bin/<Configuration>/net10.0/
            var tfm = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd('/'));
            var configuration = tfm.Parent!.Name;
            return Path.Combine(TestPaths.RepoRoot, "bot", "LegalBot.Service", "bin", configuration, tfm.Name, "LegalBot.Service.dll");
        }
    }

    /// <param name="dll">Another build of the service (a publish output); default the solution's build.</param>
    public static async Task<ServiceProcess> StartAsync(string knowledge, string data, IDictionary<string, string>? environment = null, string? dll = null)
    {
        var port = FreePort();
        var info = new ProcessStartInfo("dotnet", [dll ?? ServiceDll, "--urls", $"http://127.0.0.1:{port}"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Path.GetDirectoryName(data)!,
        };
        info.Environment["Knowledge__Path"] = knowledge;
        info.Environment["Data__Path"] = data;
        info.Environment["Knowledge__DebounceMilliseconds"] = "100";
        info.Environment["DOTNET_ENVIRONMENT"] = "Production";
        foreach (var (k, v) in environment ?? new Dictionary<string, string>()) info.Environment[k] = v;
        var process = Process.Start(info)!;
        var service = new ServiceProcess(process, new Uri($"http://127.0.0.1:{port}/"));
        process.OutputDataReceived += (_, e) => { lock (service._output) service._output.AppendLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { lock (service._output) service._output.AppendLine(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        // A readiness wait, not a timing test: on a 2-core machine busy with other builds a cold start took 42 s.
        var deadline = DateTime.UtcNow.AddSeconds(120);
        while (DateTime.UtcNow < deadline)
        {
            if (process.HasExited)
            {
                // The parameterless wait also waits for the redirected streams to reach EOF, so the output is complete.
                process.WaitForExit();
                throw new InvalidOperationException($"service exited with code {process.ExitCode}: " + service.Output);
            }
            try
            {
                using var r = await service.Http.GetAsync("healthz");
                if (r.IsSuccessStatusCode) return service;
            }
            catch (HttpRequestException) { }
            await Task.Delay(200);
        }
        await service.DisposeAsync();
        throw new TimeoutException("service did not become healthy: " + service.Output);
    }

    /// <summary>The process's resident memory now (Linux /proc), for tests that bound what a flood costs.</summary>
    public long ResidentBytes
    {
        get
        {
            var line = File.ReadLines($"/proc/{_process.Id}/status").First(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
            return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], System.Globalization.CultureInfo.InvariantCulture) * 1024;
        }
    }

    public bool HasExited => _process.HasExited;

    public int? ExitCode => _process.HasExited ? _process.ExitCode : null;

    /// <summary>Runs the service until it exits on its own (a refused start), returning its exit code and output.</summary>
    public static async Task<(int ExitCode, string Output)> RunToExitAsync(string knowledge, string data, IDictionary<string, string>? environment = null)
    {
        var info = new ProcessStartInfo("dotnet", [ServiceDll, "--urls", $"http://127.0.0.1:{FreePort()}"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Path.GetDirectoryName(data)!,
        };
        info.Environment["Knowledge__Path"] = knowledge;
        info.Environment["Data__Path"] = data;
        info.Environment["DOTNET_ENVIRONMENT"] = "Production";
        foreach (var (k, v) in environment ?? new Dictionary<string, string>()) info.Environment[k] = v;
        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await stdout + await stderr);
    }

    /// <summary>SIGKILL: no graceful shutdown, as a crash or an OOM kill would do.</summary>
    public void Kill()
    {
        if (!_process.HasExited) _process.Kill(entireProcessTree: true);
        _process.WaitForExit();
    }

    public async ValueTask DisposeAsync()
    {
        Kill();
        Http.Dispose();
        _process.Dispose();
        await Task.CompletedTask;
    }

    public static int FreePort()
    {
        using var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        return ((IPEndPoint)l.LocalEndpoint).Port;
    }
}

/// <summary>A knowledge folder with demo content plus a data folder, under temp.</summary>
/// <param name="withMatters">False leaves the legal matters out: for tests of guide and statute behaviour.</param>
internal sealed class ServiceWorkspace : IDisposable
{
    public ServiceWorkspace(bool withMatters = true)
    {
        Root = Path.Combine(Path.GetTempPath(), "legalbot-svc-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Knowledge);
        Directory.CreateDirectory(Data);
        foreach (var file in Directory.EnumerateFiles(Path.Combine(TestPaths.RepoRoot, "knowledge"), "*", SearchOption.AllDirectories))
        {
            var relative = Path.GetRelativePath(Path.Combine(TestPaths.RepoRoot, "knowledge"), file);
            if (!withMatters && relative.StartsWith("matters", StringComparison.Ordinal)) continue;
            var target = Path.Combine(Knowledge, relative);
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
    }

    public string Root { get; }
    public string Knowledge => Path.Combine(Root, "knowledge");
    public string Data => Path.Combine(Root, "data");

    public void Dispose()
    {
        try { Directory.Delete(Root, recursive: true); }
        catch (IOException) { }
    }
}
