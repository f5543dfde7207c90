using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Transactions.Coordinator.Persistence;
using Transactions.Participants.Sample.Hosting;
using Transactions.ServiceDefaults.Persistence;

namespace Transactions.UnitTests.Persistence;

/// <summary>
/// A service starting on an up-to-date database applies no migration and so no longer has EF Core compare its model
/// with the migrations' snapshot (see <see cref="DatabaseRegistration"/>): that comparison is made here, for every
/// database each service registers, so a model changed without a migration fails the build instead of a deployment.
/// </summary>
public sealed class ModelMatchesMigrationsTests
{
    [Fact]
    public void The_coordinator_model_is_what_its_migrations_create() =>
        AssertEveryModelMatchesItsMigrations(builder => builder.AddCoordinatorDatabase());

    [Fact]
    public void Every_participant_model_is_what_its_migrations_create() =>
        AssertEveryModelMatchesItsMigrations(builder =>
        {
            foreach (var module in ParticipantModules.Selected(builder.Configuration))
                module.AddServices(builder);
        });

    /// <summary>Registers the databases as the service does and compares each context's model with its migrations.</summary>
    static void AssertEveryModelMatchesItsMigrations(Action<IHostApplicationBuilder> register)
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        register(builder);
        var databases = builder.Services.Where(d => d.ServiceType == typeof(DatabaseMigration))
            .Select(d => (DatabaseMigration)d.ImplementationInstance!).ToList();
        // The comparison never connects; a context is only built from a connection string that is set.
        foreach (var database in databases)
            builder.Configuration[$"ConnectionStrings:{database.ConnectionName}"] = "Host=127.0.0.1;Database=unused";
        var contexts = builder.Services.Where(d => typeof(DbContext).IsAssignableFrom(d.ServiceType))
            .Select(d => d.ServiceType).Distinct().ToList();
        Assert.Equal(databases.Count, contexts.Count);

        using var host = builder.Build();
        using var scope = host.Services.CreateScope();
        foreach (var type in contexts)
        {
            var context = (DbContext)scope.ServiceProvider.GetRequiredService(type);
            Assert.False(context.Database.HasPendingModelChanges(),
                $"{type.Name} has changes no migration holds: add one (dotnet ef migrations add <Name> --context {type.Name}).");
        }
    }
}
