using MassTransit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Transactions.Outbox;

namespace Transactions.UnitTests.Outbox;

public sealed class PostgresOutboxOptionsTests
{
    sealed class AppDbContext(DbContextOptions<AppDbContext> options) : DbContext(options);

    static PostgresOutboxOptions Resolve(Dictionary<string, string?> configuration, Action<PostgresOutboxOptions>? configure = null)
    {
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(new ConfigurationBuilder().AddInMemoryCollection(configuration).Build());
        services.AddMassTransit(x => x.AddPostgresOutbox<AppDbContext>(configure));
        using var provider = services.BuildServiceProvider();
        return provider.GetRequiredService<IOptions<PostgresOutboxOptions>>().Value;
    }

    [Fact]
    public void Settings_come_from_the_Outbox_section_and_the_callback_overrides_them()
    {
        var options = Resolve(new()
        {
            ["Outbox:PollingInterval"] = "00:00:02",
            ["Outbox:DeliveryBatchSize"] = "50",
        }, o => o.DeliveryBatchSize = 80);

        Assert.Equal(TimeSpan.FromSeconds(2), options.PollingInterval);
        Assert.Equal(80, options.DeliveryBatchSize);
    }

    [Theory]
    [InlineData("Outbox:DeliveryBatchSize", "0", "DeliveryBatchSize")]
    [InlineData("Outbox:PollingInterval", "00:00:00", "PollingInterval")]
    [InlineData("Outbox:InboxRetention", "00:00:00", "InboxRetention")]
    [InlineData("Outbox:NotificationChannel", "drop table; --", "NotificationChannel")]
    public void A_wrong_setting_is_refused_with_its_name(string key, string value, string name)
    {
        var error = Assert.Throws<OptionsValidationException>(() => Resolve(new() { [key] = value }));

        Assert.Contains(name, error.Message);
    }
}
