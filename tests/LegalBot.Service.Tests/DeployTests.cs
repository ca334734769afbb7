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
        Assert.Equal(["bot", "postgres", "qdrant"], services.Children.Keys.Select(k => k.ToString()).Order());
        foreach (var (name, node) in services.Children)
            Assert.True(((YamlMappingNode)node).Children.ContainsKey("healthcheck"), $"{name} has no healthcheck");
        var environment = (YamlMappingNode)((YamlMappingNode)services["bot"])["environment"];
        var keys = environment.Children.Keys.Select(k => k.ToString()).ToList();
        Assert.Contains("Cases__ConnectionString", keys);
        Assert.Contains("Qdrant__Url", keys);
        // The bot speaks gRPC to Qdrant (6334), which the qdrant container exposes.
        Assert.Equal("http://qdrant:6334", environment["Qdrant__Url"].ToString());
        Assert.Contains("6334", ((YamlSequenceNode)((YamlMappingNode)services["qdrant"])["expose"]).Select(p => p.ToString()));
        Assert.All(keys, k => Assert.True(IsKnownSetting(k), $"compose.yaml sets {k}, which no option reads"));
    }

    private static List<YamlMappingNode> K8s(string file)
    {
        var yaml = new YamlStream();
        using (var reader = File.OpenText(Deploy(Path.Combine("k8s", file)))) yaml.Load(reader);
        return yaml.Documents.Select(d => (YamlMappingNode)d.RootNode).ToList();
    }

    private static YamlMappingNode Map(YamlNode node, params string[] path)
    {
        foreach (var key in path) node = ((YamlMappingNode)node)[key];
        return (YamlMappingNode)node;
    }

    private static string Scalar(YamlNode node, params string[] path)
    {
        for (var i = 0; i < path.Length; i++) node = ((YamlMappingNode)node)[path[i]];
        return ((YamlScalarNode)node).Value!;
    }

    private static YamlMappingNode Kind(IEnumerable<YamlMappingNode> docs, string kind, string name) =>
        docs.Single(d => Scalar(d, "kind") == kind && Scalar(d, "metadata", "name") == name);

    [Fact]
    public void Kubernetes_manifests_parse_and_describe_a_replicated_Qdrant_cluster_and_probed_autoscaled_bots()
    {
        var kustomization = K8s("kustomization.yaml").Single();
        var files = ((YamlSequenceNode)kustomization["resources"]).Select(n => ((YamlScalarNode)n).Value!).ToList();
        Assert.All(files, f => Assert.True(File.Exists(Deploy(Path.Combine("k8s", f))), f));
        var docs = files.SelectMany(K8s).ToList();

        var qdrant = Kind(docs, "StatefulSet", "qdrant");
        Assert.Equal("3", Scalar(qdrant, "spec", "replicas"));
        var qdrantContainer = (YamlMappingNode)((YamlSequenceNode)Map(qdrant, "spec", "template", "spec")["containers"])[0];
        var qdrantEnv = ((YamlSequenceNode)qdrantContainer["env"]).Cast<YamlMappingNode>().ToDictionary(e => Scalar(e, "name"));
        Assert.Equal("true", Scalar(qdrantEnv["QDRANT__CLUSTER__ENABLED"], "value"));
        Assert.True(qdrantContainer.Children.ContainsKey("readinessProbe") && qdrantContainer.Children.ContainsKey("livenessProbe"));
        Assert.Equal("None", Scalar(Kind(docs, "Service", "qdrant-headless"), "spec", "clusterIP"));

        var config = Map(Kind(docs, "ConfigMap", "legalbot-config"), "data");
        Assert.Equal("2", Scalar(config, "Qdrant__ReplicationFactor"));
        Assert.Equal("qdrant", Scalar(config, "Index__Backend"));
        // Qdrant__Url names the qdrant Service's gRPC port.
        Assert.Equal("http://qdrant:6334", Scalar(config, "Qdrant__Url"));
        var qdrantPorts = ((YamlSequenceNode)Map(Kind(docs, "Service", "qdrant"), "spec")["ports"]).Cast<YamlMappingNode>();
        Assert.Contains(qdrantPorts, p => Scalar(p, "name") == "grpc" && Scalar(p, "port") == "6334");
        Assert.All(config.Children.Keys.Select(k => k.ToString()), k => Assert.True(IsKnownSetting(k), $"config.yaml sets {k}, which no option reads"));
        var secret = K8s("secret.example.yaml").Single();
        Assert.All(Map(secret, "stringData").Children.Keys.Select(k => k.ToString()), k => Assert.True(IsKnownSetting(k), $"secret.example.yaml sets {k}"));

        foreach (var (name, writer) in new[] { ("legalbot", "false"), ("legalbot-indexer", "true") })
        {
            var container = (YamlMappingNode)((YamlSequenceNode)Map(Kind(docs, "Deployment", name), "spec", "template", "spec")["containers"])[0];
            Assert.True(container.Children.ContainsKey("readinessProbe") && container.Children.ContainsKey("livenessProbe"), name);
            Assert.Equal("/readyz", Scalar(container, "readinessProbe", "httpGet", "path"));
            var env = ((YamlSequenceNode)container["env"]).Cast<YamlMappingNode>().ToDictionary(e => Scalar(e, "name"), e => Scalar(e, "value"));
            Assert.Equal(writer, env["Index__Writer"]);
            Assert.All(env.Keys, k => Assert.True(IsKnownSetting(k), k));
        }
        Assert.Equal("1", Scalar(Kind(docs, "Deployment", "legalbot-indexer"), "spec", "replicas"));
        var hpa = Kind(docs, "HorizontalPodAutoscaler", "legalbot");
        Assert.Equal("legalbot", Scalar(hpa, "spec", "scaleTargetRef", "name"));
        Assert.True(int.Parse(Scalar(hpa, "spec", "minReplicas"), System.Globalization.CultureInfo.InvariantCulture) >= 2);
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
        var dockerfile = File.ReadAllText(Deploy("Dockerfile"));
        Assert.Contains("dotnet publish bot/LegalBot.Service -c Release -o /app", dockerfile, StringComparison.Ordinal);
        Assert.Contains("dotnet publish bot/LegalBot.Cli -c Release -o /app/cli", dockerfile, StringComparison.Ordinal);
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

        // The written-answer prompt templates ship as files next to the binaries.
        Assert.True(File.Exists(Path.Combine(output, "Prompts", "grounded-answer.system.txt")));
        Assert.True(File.Exists(Path.Combine(output, "Prompts", "grounded-answer.user.txt")));
        await using var service = await ServiceProcess.StartAsync(workspace.Knowledge, workspace.Data, dll: Path.Combine(output, "LegalBot.Service.dll"));
        Assert.Contains("\"status\":\"ok\"", await service.Http.GetStringAsync("healthz"), StringComparison.Ordinal);
        Assert.Contains("<html", await service.Http.GetStringAsync(""), StringComparison.OrdinalIgnoreCase);
        using var bundle = await service.Http.GetAsync("lib/webchat.js");
        Assert.True(bundle.IsSuccessStatusCode);
        Assert.True(bundle.Content.Headers.ContentLength > 1_000_000);
    }
}
