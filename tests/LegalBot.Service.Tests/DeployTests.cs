using System.Collections;
using System.Diagnostics;
using System.Reflection;
using LegalBot.Knowledge.Tests;
using YamlDotNet.RepresentationModel;

namespace LegalBot.Service.Tests;

/// <summary>What can be validated of deploy/ without Docker or systemd: the files parse, name real settings, and the publish output runs.</summary>
public sealed class DeployTests
{
    private static string Deploy(string file) => Path.Combine(TestPaths.RepoRoot, "deploy", file);

    /// <summary>Whether <c>Section__Property__…</c> binds to a property of the service's options (a typo would be silently ignored).</summary>
    private static bool IsKnownSetting(string key)
    {
        var parts = key.Split("__");
        var options = typeof(Hosting.KnowledgeOptions).Assembly.GetTypes()
            .FirstOrDefault(t => t.GetField("Section", BindingFlags.Public | BindingFlags.Static)?.GetRawConstantValue() as string == parts[0]);
        if (options is null) return false;
        var type = options;
        for (var i = 1; i < parts.Length; i++)
        {
            if (type.IsGenericType && typeof(IEnumerable).IsAssignableFrom(type))
            {
                // A list index or dictionary key: the next part names a member of the element.
                type = type.GetGenericArguments()[^1];
                continue;
            }
            var property = type.GetProperty(parts[i], BindingFlags.Public | BindingFlags.Instance);
            if (property is null) return false;
            type = property.PropertyType;
        }
        return true;
    }

    [Fact]
    public void Compose_file_parses_has_health_checks_and_names_only_real_settings()
    {
        var yaml = new YamlStream();
        using (var reader = File.OpenText(Deploy("compose.yaml"))) yaml.Load(reader);
        var services = (YamlMappingNode)((YamlMappingNode)yaml.Documents[0].RootNode)["services"];
        Assert.Equal(["bot", "postgres"], services.Children.Keys.Select(k => k.ToString()).Order());
        foreach (var (name, node) in services.Children)
            Assert.True(((YamlMappingNode)node).Children.ContainsKey("healthcheck"), $"{name} has no healthcheck");
        var environment = (YamlMappingNode)((YamlMappingNode)services["bot"])["environment"];
        var keys = environment.Children.Keys.Select(k => k.ToString()).ToList();
        Assert.Contains("Cases__ConnectionString", keys);
        Assert.All(keys, k => Assert.True(IsKnownSetting(k), $"compose.yaml sets {k}, which no option reads"));
    }

    [Fact]
    public void Env_example_and_systemd_unit_name_only_real_settings_and_paths_that_agree()
    {
        var keys = File.ReadAllLines(Deploy("legalbot.env.example"))
            .Select(l => l.TrimStart('#').Trim()).Where(l => l.Contains('=', StringComparison.Ordinal) && l.Contains("__", StringComparison.Ordinal) && !l.Contains(' ', StringComparison.Ordinal))
            .Select(l => l[..l.IndexOf('=', StringComparison.Ordinal)]).ToList();
        Assert.True(keys.Count >= 10, string.Join(",", keys));
        Assert.All(keys, k => Assert.True(IsKnownSetting(k), $"legalbot.env.example sets {k}, which no option reads"));
        Assert.False(IsKnownSetting("Cases__Databse"));

        var unit = File.ReadAllText(Deploy("legalbot.service"));
        Assert.Contains("ExecStart=/usr/bin/dotnet /opt/legalbot/LegalBot.Service.dll", unit, StringComparison.Ordinal);
        Assert.Contains("EnvironmentFile=/etc/legalbot/legalbot.env", unit, StringComparison.Ordinal);
        Assert.Contains("RestartPreventExitStatus=2", unit, StringComparison.Ordinal);
        Assert.Contains("Data__Path=/var/lib/legalbot", File.ReadAllText(Deploy("legalbot.env.example")), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_publish_output_serves_web_chat_and_health_from_another_folder()
    {
        using var workspace = new ServiceWorkspace();
        var output = Path.Combine(workspace.Root, "publish");
        var configuration = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd('/')).Parent!.Name;
        var info = new ProcessStartInfo("dotnet", ["publish", Path.Combine(TestPaths.RepoRoot, "bot", "LegalBot.Service"), "-c", configuration, "--no-build", "-o", output, "-v", "q", "-nologo"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using (var publish = Process.Start(info)!)
        {
            var log = await publish.StandardOutput.ReadToEndAsync() + await publish.StandardError.ReadToEndAsync();
            await publish.WaitForExitAsync();
            Assert.True(publish.ExitCode == 0, log);
        }

        await using var service = await ServiceProcess.StartAsync(workspace.Knowledge, workspace.Data, dll: Path.Combine(output, "LegalBot.Service.dll"));
        Assert.Contains("\"status\":\"ok\"", await service.Http.GetStringAsync("healthz"), StringComparison.Ordinal);
        Assert.Contains("<html", await service.Http.GetStringAsync(""), StringComparison.OrdinalIgnoreCase);
        using var bundle = await service.Http.GetAsync("lib/webchat.js");
        Assert.True(bundle.IsSuccessStatusCode);
        Assert.True(bundle.Content.Headers.ContentLength > 1_000_000);
    }
}
