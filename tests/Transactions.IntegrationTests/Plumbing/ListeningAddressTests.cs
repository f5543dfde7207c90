using System.Text.RegularExpressions;
using Transactions.IntegrationTests.Infrastructure;
using Transactions.IntegrationTests.Scripts;

namespace Transactions.IntegrationTests.Plumbing;

/// <summary>
/// A service started with its container image's environment listens where the image says: the image's
/// <c>ASPNETCORE_URLS</c> (all interfaces) wins over the loopback default a developer's run uses.
/// </summary>
public sealed class ListeningAddressTests(IsolatedServices services) : IClassFixture<IsolatedServices>
{
    [Theory]
    [InlineData(ServiceProcess.Coordinator, "src/Coordinator/Dockerfile", "Coordinator")]
    [InlineData(ServiceProcess.Participants, "src/Participants.Sample/Dockerfile", "Bank")]
    public async Task A_service_listens_on_the_address_its_image_sets_in_ASPNETCORE_URLS(string service,
        string dockerfile, string connection)
    {
        var imageUrls = Regex.Match(await File.ReadAllTextAsync(Path.Combine(RunScript.RepositoryRoot(), dockerfile)),
            @"^ENV ASPNETCORE_URLS=(\S+)$", RegexOptions.Multiline).Groups[1].Value;
        Assert.StartsWith("http://0.0.0.0:", imageUrls);
        var settings = services.BrokerSettings();
        settings["Database:MigrateOnStartup"] = "true";
        settings[$"ConnectionStrings:{connection}"] = await services.CreateDatabaseAsync($"{connection}_urls");
        if (connection == "Bank")
            settings["Participants:Enabled:0"] = "bank";

        // The image's address with a free port in place of its own, so the test never takes a port in use.
        await using var process = await RunningService.StartAsync(service, settings,
            port => Regex.Replace(imageUrls, @":\d+$", $":{port}"));

        var listening = await Eventually.Until(
            () => Task.FromResult(process.Lines.FirstOrDefault(l => l.Contains(" listens on "))),
            line => line is not null, TimeSpan.FromSeconds(30), "the service says where it listens");
        Assert.Contains("listens on http://0.0.0.0:", listening);
    }
}
