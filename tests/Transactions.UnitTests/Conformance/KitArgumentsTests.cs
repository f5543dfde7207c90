using System.Text.Json.Nodes;
using Transactions.Conformance.MessageSets;
using Transactions.Conformance.Options;

namespace Transactions.UnitTests.Conformance;

/// <summary>The kit's command line: defaults from the message set, overrides, and errors that name the option.</summary>
public sealed class KitArgumentsTests
{
    [Fact]
    public void The_credit_branch_with_overrides_keeps_the_rest_of_its_message_set()
    {
        var options = KitArguments.Parse(["--branch", "credit", "--resource", "acc", "--queue", "other-credit",
            "--field", "currency=USD", "--field", "priority=3", "--probe-path", "held=$.pending.amount"])!;

        Assert.Equal("other-credit", options.MessageSet.Queue);
        Assert.Equal(BankMessageSets.Credit.Try, options.MessageSet.Try);
        Assert.Equal("USD", options.MessageSet.TryFields["currency"]!.GetValue<string>());
        Assert.Equal(3, options.MessageSet.TryFields["priority"]!.GetValue<int>());
        Assert.Equal(KeyValuePair.Create("held", "$.pending.amount"), options.MessageSet.ProbePaths[0]);
        Assert.Equal(10m, options.Amount);
    }

    [Theory]
    [InlineData("--resource acc --bogus 1", "--bogus is not an option")]
    [InlineData("--branch debit", "--resource is required")]
    [InlineData("--resource acc --branch savings", "--branch savings: not one of debit, credit")]
    [InlineData("--resource acc --seeds 1.5", "--seeds 1.5: expected a whole number")]
    [InlineData("--resource acc --probe-path pending=$.x", "--probe-path pending: the message set has no quantity pending")]
    [InlineData("--resource acc --checks repeat,speed", "--checks: speed is not a check")]
    [InlineData("--resource acc --amount", "--amount needs a value")]
    [InlineData("--resource acc --branch debit --message-set x.json", "give one of them")]
    public void A_wrong_option_is_an_error_naming_it(string line, string message)
    {
        var error = Assert.Throws<FormatException>(() => KitArguments.Parse(line.Split(' ')));
        Assert.Contains(message, error.Message);
    }

    [Fact]
    public void Help_is_asked_for_with_no_arguments_or_help()
    {
        Assert.Null(KitArguments.Parse([]));
        Assert.Null(KitArguments.Parse(["--resource", "acc", "--help"]));
    }

    [Fact]
    public void A_message_set_file_describes_another_participant()
    {
        var file = Path.GetTempFileName();
        File.WriteAllText(file, """
            { "name": "seats", "queue": "seat-holds", "transactionIdField": "orderId",
              "try": { "command": "Shop:HoldSeats", "succeeded": "Shop:SeatsHeld", "refused": "Shop:SeatsRefused" },
              "confirm": { "command": "Shop:SellSeats", "succeeded": "Shop:SeatsSold", "refused": "Shop:SaleRefused" },
              "cancel": { "command": "Shop:FreeSeats", "succeeded": "Shop:SeatsFreed", "refused": "Shop:FreeRefused" },
              "tryFields": { "showId": "{resource}", "seats": "{amount}" },
              "probe": { "url": "http://shop/shows/{resource}", "paths": { "held": "$.held", "sold": "$.sold" } },
              "effects": { "try": { "held": 1 }, "confirm": { "held": -1, "sold": 1 }, "cancel": { "held": -1 } } }
            """);
        try
        {
            var set = KitArguments.Parse(["--message-set", file, "--resource", "show-1", "--amount", "2"])!.MessageSet;

            Assert.Equal(("seats", "seat-holds", "orderId", "branchId"), (set.Name, set.Queue, set.TransactionIdField, set.BranchIdField));
            Assert.Equal("urn:message:Shop:SellSeats", set.Confirm!.Command);
            Assert.Equal("held -2.00, sold +2.00", set.EffectOf(Transactions.Conformance.Rules.Phase.Confirm, 2m).AsChange());
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public void A_message_set_file_without_confirm_describes_a_saga_step_whose_cancel_is_never_refused()
    {
        var file = Path.GetTempFileName();
        File.WriteAllText(file, """
            { "name": "car step", "queue": "car-reservations", "transactionIdField": "bookingId", "branchIdField": "bookingId",
              "try": { "command": "Trips:ReserveCar", "succeeded": "Trips:CarReserved", "refused": "Trips:CarReservationFailed" },
              "cancel": { "command": "Trips:CancelCar", "succeeded": "Trips:CarCancelled" },
              "tryFields": { "location": "{resource}", "days": 1 },
              "probe": { "url": "http://cars/{resource}", "paths": { "reserved": "$.reserved" } },
              "effects": { "try": { "reserved": 1 }, "cancel": { "reserved": -1 } } }
            """);
        try
        {
            var set = KitArguments.Parse(["--message-set", file, "--resource", "airport", "--amount", "1"])!.MessageSet;

            Assert.True(set.IsSagaStep);
            Assert.Equal(Transactions.Conformance.Rules.Phase.Cancel, set.Settlement);
            Assert.Null(set.Cancel.Refused);
            Assert.Equal(["urn:message:Trips:CarReserved", "urn:message:Trips:CarReservationFailed", "urn:message:Trips:CarCancelled"],
                set.ReplyUrns);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Theory]
    [InlineData("""{ "name": "x" }""", "queue is missing")]
    [InlineData("""{ "name": "x", "queue": "q", "probe": { "url": "u", "paths": { "held": "$.h" } }, "effects": { "try": { "sold": 1 } } }""",
        "effects.try.sold is not a quantity named in probe.paths")]
    [InlineData("""{ "name": "x", "queue": "q", "probe": { "url": "u", "paths": { "held": "$.h" } }, "effects": { "settle": { } } }""",
        "effects.settle is not a phase")]
    [InlineData("""{ "name": "x", "queue": "q", "probe": { "url": "u", "paths": { "held": "$.h" } }, "effects": { "confirm": { "held": -1 } } }""",
        "effects.confirm is given, but confirm is not (a saga step has no Confirm)")]
    public void A_message_set_file_with_a_wrong_field_is_an_error_naming_it(string json, string message)
    {
        var file = Path.GetTempFileName();
        File.WriteAllText(file, json);
        try
        {
            var error = Assert.Throws<FormatException>(() => MessageSetFile.Load(file));
            Assert.Contains(message, error.Message);
        }
        finally
        {
            File.Delete(file);
        }
    }
}
