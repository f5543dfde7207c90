using System.ComponentModel.DataAnnotations;
using Transactions.ServiceDefaults.Messaging;

namespace Transactions.UnitTests.Messaging;

public sealed class RabbitMqOptionsTests
{
    static RabbitMqOptions Options(string host = "", params string[] hosts) => new()
    {
        Host = host, Port = 5672, Username = "u", Password = "p", Hosts = [.. hosts],
    };

    static List<string> Problems(RabbitMqOptions options)
    {
        var results = new List<ValidationResult>();
        Validator.TryValidateObject(options, new ValidationContext(options), results, validateAllProperties: true);
        return results.SelectMany(r => r.MemberNames.Select(m => $"{m}: {r.ErrorMessage}")).ToList();
    }

    [Fact]
    public void The_cluster_nodes_are_connected_to_in_order_with_the_default_port_where_none_is_given() =>
        Assert.Equal(["rabbit1:5672", "rabbit2:5673"],
            Options("ignored", "rabbit1", "rabbit2:5673").Nodes().Select(n => $"{n.HostName}:{n.Port}"));

    [Fact]
    public void Without_cluster_nodes_the_host_is_the_one_node() =>
        Assert.Equal("broker:5672", Options("broker").Describe());

    [Fact]
    public void A_broker_needs_a_host_or_cluster_nodes() =>
        Assert.Contains(Problems(Options()), p => p.StartsWith("Host:"));

    [Theory]
    [InlineData("rabbit1:")]
    [InlineData("rabbit1:70000")]
    [InlineData("amqp://rabbit1")]
    [InlineData(" ")]
    public void A_cluster_node_that_is_not_host_or_host_and_port_is_named(string node) =>
        Assert.Equal([$"Hosts:1: '{node}' is not a host or host:port."], Problems(Options("", "rabbit0", node)));
}
