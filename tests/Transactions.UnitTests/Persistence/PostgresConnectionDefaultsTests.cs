using Npgsql;
using Transactions.ServiceDefaults.Persistence;

namespace Transactions.UnitTests.Persistence;

public sealed class PostgresConnectionDefaultsTests
{
    const string Given = "Host=127.0.0.1;Port=55432;Database=coordinator;Username=app;Password=secret";

    [Fact]
    public void A_connection_string_without_them_gets_prepared_statements_and_no_reset_on_close()
    {
        var applied = new NpgsqlConnectionStringBuilder(PostgresConnectionDefaults.Apply(Given));

        Assert.Equal(PostgresConnectionDefaults.MaxAutoPrepare, applied.MaxAutoPrepare);
        Assert.Equal(PostgresConnectionDefaults.AutoPrepareMinUsages, applied.AutoPrepareMinUsages);
        Assert.True(applied.NoResetOnClose);
        Assert.Equal("coordinator", applied.Database);
        Assert.Equal("secret", applied.Password);
    }

    [Theory]
    [InlineData("Max Auto Prepare=0;No Reset On Close=false;Auto Prepare Min Usages=5")]
    [InlineData("MaxAutoPrepare=0;NoResetOnClose=false;AutoPrepareMinUsages=5")]
    [InlineData("max auto prepare=0;no reset on close=false;auto prepare min usages=5")]
    public void What_the_connection_string_sets_itself_is_kept(string own)
    {
        var applied = new NpgsqlConnectionStringBuilder(PostgresConnectionDefaults.Apply(Given + ";" + own));

        Assert.Equal(0, applied.MaxAutoPrepare);
        Assert.Equal(5, applied.AutoPrepareMinUsages);
        Assert.False(applied.NoResetOnClose);
    }
}
