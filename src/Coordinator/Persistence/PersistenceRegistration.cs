using Transactions.ServiceDefaults.Persistence;

namespace Transactions.Coordinator.Persistence;

public static class PersistenceRegistration
{
    public const string ConnectionName = "Coordinator";

    public static IHostApplicationBuilder AddCoordinatorDatabase(this IHostApplicationBuilder builder) =>
        builder.AddPostgresDbContext<CoordinatorDbContext>(ConnectionName);
}
