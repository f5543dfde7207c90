using Microsoft.EntityFrameworkCore;
using Npgsql;
using Transactions.Outbox.Sagas;

namespace Transactions.UnitTests.Sagas;

public sealed class SagaConflictTests
{
    static DbUpdateException Failed(string sqlState) =>
        new("save failed", new PostgresException("failed", "ERROR", "ERROR", sqlState));

    [Fact]
    public void A_stale_update_is_a_conflict() =>
        Assert.True(SagaConflict.IsConflict(new DbUpdateConcurrencyException("0 rows affected")));

    [Theory]
    [InlineData(PostgresErrorCodes.UniqueViolation)]
    [InlineData(PostgresErrorCodes.SerializationFailure)]
    [InlineData(PostgresErrorCodes.DeadlockDetected)]
    [InlineData(PostgresErrorCodes.LockNotAvailable)]
    public void Losing_a_race_in_the_database_is_a_conflict(string sqlState) =>
        Assert.True(SagaConflict.IsConflict(Failed(sqlState)));

    [Fact]
    public void A_conflict_is_found_however_deep_it_is_wrapped() =>
        Assert.True(SagaConflict.IsConflict(new InvalidOperationException("outer", Failed(PostgresErrorCodes.UniqueViolation))));

    [Theory]
    [InlineData(PostgresErrorCodes.ForeignKeyViolation)]
    [InlineData(PostgresErrorCodes.NotNullViolation)]
    [InlineData(PostgresErrorCodes.StringDataRightTruncation)]
    public void A_broken_rule_is_not_a_conflict_and_is_not_retried(string sqlState) =>
        Assert.False(SagaConflict.IsConflict(Failed(sqlState)));

    [Fact]
    public void A_failure_of_the_saga_itself_is_not_a_conflict() =>
        Assert.False(SagaConflict.IsConflict(new InvalidOperationException("the saga threw")));

    [Fact]
    public void Only_a_unique_violation_means_the_saga_already_exists()
    {
        Assert.True(SagaConflict.IsDuplicateKey(Failed(PostgresErrorCodes.UniqueViolation)));
        Assert.False(SagaConflict.IsDuplicateKey(Failed(PostgresErrorCodes.SerializationFailure)));
        Assert.False(SagaConflict.IsDuplicateKey(new DbUpdateConcurrencyException("0 rows affected")));
    }
}
