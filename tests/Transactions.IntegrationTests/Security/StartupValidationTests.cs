using Microsoft.Extensions.Options;
using Transactions.Coordinator;
using Transactions.IntegrationTests.Infrastructure;

namespace Transactions.IntegrationTests.Security;

public sealed class StartupValidationTests
{
    [Fact]
    public void The_coordinator_refuses_to_start_in_production_without_api_keys_and_names_the_setting()
    {
        var failure = StartInProduction(new() { ["Security:ApiKeys"] = "" });

        Assert.Contains("Security:ApiKeys is empty", failure.Message);
    }

    [Fact]
    public void Production_refuses_short_keys_development_keys_and_anonymous_reads()
    {
        var failure = StartInProduction(new()
        {
            ["Security:ApiKeys:0:Name"] = "short",
            ["Security:ApiKeys:0:Key"] = "too-short",
            ["Security:ApiKeys:0:Roles:0"] = "starter",
            ["Security:ApiKeys:1:Name"] = "copied",
            ["Security:ApiKeys:1:Key"] = "dev-key-all-roles-not-for-production",
            ["Security:ApiKeys:1:Roles:0"] = "janitor",
            ["Security:AllowAnonymousReads"] = "true",
        });

        Assert.Contains("Security:ApiKeys:0:Key is shorter than 32 characters", failure.Message);
        Assert.Contains("Security:ApiKeys:1:Key is a published development key", failure.Message);
        Assert.Contains("Security:ApiKeys:1:Roles: 'janitor'", failure.Message);
        Assert.Contains("Security:AllowAnonymousReads", failure.Message);
    }

    static Exception StartInProduction(Dictionary<string, string?> settings)
    {
        // Valid but unused: validation stops the host before the broker or the database is contacted.
        settings["environment"] = "Production";
        settings["RabbitMq:Host"] = "127.0.0.1";
        settings["RabbitMq:Username"] = "unused";
        settings["RabbitMq:Password"] = "unused";
        settings["ConnectionStrings:Coordinator"] = "Host=127.0.0.1;Database=unused";
        using var host = new ServiceHost<CoordinatorAssembly>(settings);
        var failure = Assert.ThrowsAny<Exception>(() => host.CreateClient());
        var failures = failure is AggregateException all ? all.InnerExceptions : [failure];
        return Assert.Single(failures.OfType<OptionsValidationException>(), f => f.OptionsType.Name == "SecurityOptions");
    }
}
