using System.Text;
using System.Text.Json.Nodes;
using Transactions.Conformance.MessageSets;
using Transactions.Conformance.Probe;
using Transactions.Conformance.Rules;
using Transactions.Conformance.Wire;

namespace Transactions.UnitTests.Conformance;

/// <summary>How the kit writes commands and reads replies and probe answers, as any client of the contract would.</summary>
public sealed class EnvelopeTests
{
    [Fact]
    public void A_reply_is_read_from_the_envelope_by_the_first_type_the_message_set_knows()
    {
        var branchId = Guid.CreateVersion7();
        var body = $$"""
            { "messageId": "{{Guid.NewGuid()}}", "messageType": ["urn:message:Other:Base",
              "urn:message:Transactions.Contracts.BankTransfers:DebitRefused"],
              "message": { "transferId": "{{Guid.NewGuid()}}", "branchId": "{{branchId}}", "reason": "Insufficient funds." } }
            """;

        var reply = Envelope.Read(Encoding.UTF8.GetBytes(body), BankMessageSets.Debit, out var problem);

        Assert.Null(problem);
        Assert.Equal((branchId, ReplyKind.TryRefused, "Insufficient funds."), (reply!.BranchId, reply.Kind, reply.Reason));
    }

    [Theory]
    [InlineData("""{ "message": { } }""", "not an envelope")]
    [InlineData("""{ "messageType": ["urn:message:Transactions.Contracts.BankTransfers:DebitTried"], "message": { "branchId": 7 } }""",
        "DebitTried has no branchId")]
    [InlineData("not json", "not JSON")]
    public void A_message_that_is_no_reply_envelope_says_why(string body, string problem)
    {
        Assert.Null(Envelope.Read(Encoding.UTF8.GetBytes(body), BankMessageSets.Debit, out var why));
        Assert.Contains(problem, why);
    }

    [Fact]
    public void A_command_is_a_masstransit_envelope_with_its_type_urn_and_camel_case_body()
    {
        var id = Guid.CreateVersion7();
        var written = JsonNode.Parse(Envelope.Write(id, id, BankMessageSets.Debit.Confirm!.Command,
            new JsonObject { ["transferId"] = id.ToString(), ["branchId"] = id.ToString() }))!;

        Assert.Equal(id.ToString(), written["messageId"]!.GetValue<string>());
        Assert.Equal("urn:message:Transactions.Contracts.BankTransfers:ConfirmDebit", written["messageType"]![0]!.GetValue<string>());
        Assert.Equal(id.ToString(), written["message"]!["branchId"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("$.frozen", "12.5")]
    [InlineData("account.balances[1].value", "3")]
    [InlineData("$.text", "7.25")]
    public void A_probe_path_reads_a_number_or_a_numeric_string(string path, string expected)
    {
        var answer = System.Text.Json.JsonDocument.Parse("""
            { "frozen": 12.5, "text": "7.25", "account": { "balances": [ { "value": 1 }, { "value": 3 } ] } }
            """).RootElement;

        Assert.Equal(decimal.Parse(expected, System.Globalization.CultureInfo.InvariantCulture),
            JsonPath.Parse(path).Read(answer, out _));
    }

    [Fact]
    public void A_probe_path_that_finds_no_number_says_what_it_found()
    {
        var answer = System.Text.Json.JsonDocument.Parse("""{ "frozen": "none" }""").RootElement;

        Assert.Null(JsonPath.Parse("$.frozen").Read(answer, out var problem));
        Assert.Equal("$.frozen is \"none\", not a number", problem);
        Assert.Null(JsonPath.Parse("$.held").Read(answer, out problem));
        Assert.Equal("$.held is not in the answer", problem);
    }
}
