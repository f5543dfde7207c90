using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Transactions.IntegrationTests.Scripts;
using Transactions.ServiceDefaults.Messaging;

namespace Transactions.IntegrationTests.Plumbing;

/// <summary>
/// docker-compose.yml cannot be run here (no Docker engine), so its text is checked against what the services bind,
/// against the RabbitMQ files it mounts, and against the ports the scripts use.
/// </summary>
public sealed partial class ComposeFileTests
{
    static readonly string Root = RunScript.RepositoryRoot();
    static readonly string Compose = File.ReadAllText(Path.Combine(Root, "docker-compose.yml"));

    [Fact]
    public void Every_setting_the_compose_file_gives_the_services_is_a_key_they_read()
    {
        var keys = SettingKey().Matches(Compose).Select(m => m.Groups[1].Value).Distinct().ToList();
        Assert.Contains("RabbitMq__Hosts__2", keys);
        var sources = string.Join('\n', Directory
            .EnumerateFiles(Path.Combine(Root, "src"), "*.cs", SearchOption.AllDirectories).Select(File.ReadAllText));
        var rabbitMq = typeof(RabbitMqOptions).GetProperties()
            .ToDictionary(p => p.Name, StringComparer.OrdinalIgnoreCase);
        foreach (var key in keys)
        {
            var parts = key.Split("__");
            if (parts[0] == RabbitMqOptions.Section)
            {
                Assert.True(rabbitMq.TryGetValue(parts[1], out var property),
                    $"{key}: RabbitMqOptions has no {parts[1]}");
                var isList = property.PropertyType.IsGenericType;
                Assert.True(isList ? parts.Length == 3 && int.TryParse(parts[2], out _) : parts.Length == 2,
                    $"{key}: {parts[1]} is {(isList ? "a list, set by index" : "a single value")}");
            }
            else if (parts[0] == "ConnectionStrings")
            {
                // A connection string is read by the name a service registers its database with (a constant).
                Assert.True(sources.Contains($"\"{parts[1]}\""), $"{key}: no service has a database named {parts[1]}");
            }
            else
            {
                // The other sections are read by their path (Database:MigrateOnStartup, Participants:Enabled).
                var path = string.Join(':', parts.Where(p => !p.All(char.IsDigit)));
                Assert.True(sources.Contains($"\"{path}\""), $"{key}: no service reads {path}");
            }
        }
    }

    [Fact]
    public void The_services_are_given_every_node_of_the_rabbitmq_cluster_the_nodes_form_with_a_quorum_vhost()
    {
        var nodes = Services().Where(s => s.Key.StartsWith("rabbitmq")).OrderBy(s => s.Key).ToList();
        Assert.Equal(3, nodes.Count);
        var hostnames = nodes.Select(n => Hostname().Match(n.Value).Groups[1].Value).ToList();
        Assert.Equal(new[] { "rabbitmq1", "rabbitmq2", "rabbitmq3" }, hostnames);
        Assert.Equal(hostnames, Setting("RabbitMq__Hosts__(\\d+)").Select(h => h.Value));

        var conf = File.ReadAllText(Path.Combine(Root, "deploy/rabbitmq/rabbitmq.conf"));
        Assert.Contains("cluster_formation.peer_discovery_backend = classic_config", conf);
        Assert.Equal(hostnames.Select(h => $"rabbit@{h}"),
            ClassicConfigNode().Matches(conf).Select(m => m.Groups[1].Value));
        Assert.Contains("load_definitions = /etc/rabbitmq/definitions.json", conf);
        Assert.All(nodes, n => Assert.Contains("<<: *rabbitmq", n.Value));
        Assert.Single(Regex.Matches(Compose, "RABBITMQ_ERLANG_COOKIE:"));

        using var definitions =
            JsonDocument.Parse(File.ReadAllText(Path.Combine(Root, "deploy/rabbitmq/definitions.json")));
        var vhost = Setting("RabbitMq__VirtualHost").Single().Value;
        var declared = definitions.RootElement.GetProperty("vhosts").EnumerateArray()
            .Single(v => v.GetProperty("name").GetString() == vhost);
        Assert.Equal("quorum", declared.GetProperty("metadata").GetProperty("default_queue_type").GetString());
        var user = definitions.RootElement.GetProperty("users").EnumerateArray()
            .Single(u => u.GetProperty("name").GetString() == Setting("RabbitMq__Username").Single().Value);
        Assert.True(IsPasswordOf(user.GetProperty("password_hash").GetString()!,
                Setting("RabbitMq__Password").Single().Value),
            "the definitions' password hash is not that of RabbitMq__Password");
        var userName = user.GetProperty("name").GetString();
        Assert.Contains(definitions.RootElement.GetProperty("permissions").EnumerateArray(),
            p => p.GetProperty("vhost").GetString() == vhost && p.GetProperty("user").GetString() == userName);
    }

    [Fact]
    public void The_host_ports_are_those_the_scripts_use()
    {
        var services = Services();
        // scripts/rabbitmq-cluster.sh: node i on 55672 + 3(i - 1) (AMQP) and 55673 + 3(i - 1) (management).
        for (var i = 1; i <= 3; i++)
            Assert.Equal(new[] { (55672 + 3 * (i - 1), 5672), (55673 + 3 * (i - 1), 15672) },
                Ports(services[$"rabbitmq{i}"]));
        // scripts/run.sh --instances 2: instance i on 5080 + 2i (coordinator) and 5081 + 2i (participants).
        Assert.Equal(new[] { (5080, 5080) }, Ports(services["coordinator"]));
        Assert.Equal(new[] { (5082, 5080) }, Ports(services["coordinator-2"]));
        Assert.Equal(new[] { (5081, 5081) }, Ports(services["participants"]));
        Assert.Equal(new[] { (5083, 5081) }, Ports(services["participants-2"]));
        Assert.Equal(new[] { (55432, 5432) }, Ports(services["postgres"]));
    }

    /// <summary>RabbitMQ's rabbit_password_hashing_sha256: base64 of a 4-byte salt, then SHA-256(salt + password).</summary>
    static bool IsPasswordOf(string hash, string password)
    {
        var bytes = Convert.FromBase64String(hash);
        var salt = bytes[..4];
        return SHA256.HashData([.. salt, .. Encoding.UTF8.GetBytes(password)]).SequenceEqual(bytes[4..]);
    }

    /// <summary>Each service's block of lines, by name.</summary>
    static Dictionary<string, string> Services()
    {
        var services = Compose[Compose.IndexOf("\nservices:\n", StringComparison.Ordinal)..];
        var starts = ServiceStart().Matches(services).ToList();
        return starts.Select((m, i) => (m.Groups[1].Value,
                services[m.Index..(i + 1 < starts.Count ? starts[i + 1].Index : services.Length)]))
            .ToDictionary(s => s.Item1, s => s.Item2);
    }

    static IEnumerable<(int Host, int Container)> Ports(string service) =>
        LoopbackPort().Matches(service).Select(m => (int.Parse(m.Groups[1].Value), int.Parse(m.Groups[2].Value)));

    static List<(string Key, string Value)> Setting(string pattern) =>
        Regex.Matches(Compose, $@"^\s+({pattern}):\s*(\S+)\s*$", RegexOptions.Multiline)
            .Select(m => (m.Groups[1].Value, m.Groups[m.Groups.Count - 1].Value)).ToList();

    [GeneratedRegex(@"^\s+([A-Za-z]+(?:__[A-Za-z0-9]+)+):", RegexOptions.Multiline)]
    private static partial Regex SettingKey();

    [GeneratedRegex(@"^    hostname:\s*(\S+)", RegexOptions.Multiline)]
    private static partial Regex Hostname();

    [GeneratedRegex(@"^cluster_formation\.classic_config\.nodes\.\d+\s*=\s*(\S+)", RegexOptions.Multiline)]
    private static partial Regex ClassicConfigNode();

    [GeneratedRegex(@"^  ([\w-]+):\s*$", RegexOptions.Multiline)]
    private static partial Regex ServiceStart();

    [GeneratedRegex(@"""127\.0\.0\.1:(\d+):(\d+)""")]
    private static partial Regex LoopbackPort();
}
