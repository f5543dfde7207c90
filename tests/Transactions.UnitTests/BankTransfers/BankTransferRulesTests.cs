using Transactions.Coordinator.BankTransfers;

namespace Transactions.UnitTests.BankTransfers;

public sealed class BankTransferRulesTests
{
    [Theory]
    [InlineData("a", "b", "10.00", "EUR", null)]
    [InlineData("a", "b", "0.01", "USD", null)]
    [InlineData("a", "b", "0", "EUR", "amount")]
    [InlineData("a", "b", "-1", "EUR", "amount")]
    [InlineData("a", "b", "1.001", "EUR", "amount")]
    [InlineData("a", "a", "1", "EUR", "toAccount")]
    [InlineData("a", "b", "1", "Eur", "currency")]
    [InlineData("a", "b", "1", "EU", "currency")]
    [InlineData("", "b", "1", "EUR", "fromAccount")]
    [InlineData("a", null, "1", "EUR", "toAccount")]
    public void Each_rule_names_the_field_it_refuses(string? from, string? to, string amount, string currency,
        string? field)
    {
        var rules = BankTransferRules.Check(from, to, decimal.Parse(amount, System.Globalization.CultureInfo.InvariantCulture), currency);
        if (field is null)
            Assert.True(rules.IsValid);
        else
            Assert.Equal([field], rules.Errors.Keys);
    }

    [Fact]
    public void Trailing_zeros_beyond_two_decimals_are_still_two_decimals()
    {
        Assert.True(BankTransferRules.Check("a", "b", 1.2000m, "EUR").IsValid);
    }

    [Fact]
    public void Resend_delays_double_up_to_the_maximum()
    {
        var options = new BankTransferOptions
        {
            RetryInitialDelay = TimeSpan.FromSeconds(1), RetryMaxDelay = TimeSpan.FromSeconds(5),
        };
        Assert.Equal([1, 2, 4, 5, 5], Enumerable.Range(1, 5).Select(a => options.RetryDelay(a).TotalSeconds));
        Assert.Equal(TimeSpan.FromSeconds(5), options.RetryDelay(500));
    }
}
