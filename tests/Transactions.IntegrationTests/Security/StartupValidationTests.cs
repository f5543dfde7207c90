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

    [Theory]
    [InlineData(ServiceProcess.Coordinator, "Coordinator")]
    [InlineData(ServiceProcess.Participants, "Bank")]
    public async Task A_service_with_two_bad_settings_exits_with_code_1_and_one_line_naming_each(string service,
        string database)
    {
        var settings = TestApiKey.AddTo(new Dictionary<string, string?>
        {
            ["Participants:Enabled:0"] = "bank",
            ["RabbitMq:Host"] = "127.0.0.1",
            ["RabbitMq:Port"] = "70000",
            ["RabbitMq:Username"] = "unused",
            ["RabbitMq:Password"] = "unused",
            // ConnectionStrings:{database} is not set: the "Testing" environment has no development defaults.
        });

        var run = await ServiceProcess.RunToExitAsync(service, settings, TimeSpan.FromSeconds(60));

        Assert.True(run.ExitCode == 1, $"exit code {run.ExitCode}: {run.Error}");
        Assert.Collection(run.ErrorLines.Order(),
            line => Assert.StartsWith($"Invalid setting ConnectionStrings:{database} is not set", line),
            line => Assert.StartsWith("Invalid setting RabbitMq:Port:", line));
        Assert.DoesNotContain("Unhandled exception", run.Output + run.Error);
        Assert.DoesNotContain("   at ", run.Output + run.Error);
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
