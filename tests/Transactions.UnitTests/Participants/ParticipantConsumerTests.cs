using MassTransit;
using MassTransit.Testing;
using Microsoft.Extensions.DependencyInjection;
using Transactions.UnitTests.Testing;

namespace Transactions.UnitTests.Participants;

/// <summary>
/// The consumer bases publish, for each answer of a branch or step, the reply its messages name, and reject a command
/// that lacks its ids (or a field the branch checks) as invalid, naming the field, so it goes to <c>_error</c> at once.
/// On MassTransit's in-memory test harness; the phases answer without a database.
/// </summary>
public sealed class ParticipantConsumerTests : IAsyncLifetime
{
    readonly ServiceProvider _provider = new ServiceCollection()
        .AddMassTransitTestHarness(x =>
        {
            x.AddConsumer<HoldConsumer>();
            x.AddConsumer<RoomConsumer>();
        })
        .BuildServiceProvider(true);

    ITestHarness Harness => _provider.GetRequiredService<ITestHarness>();

    [Theory]
    [InlineData("a seat", typeof(HoldTried))]
    [InlineData("sold-out", typeof(HoldRefused))]
    [InlineData("settled", typeof(HoldConfirmed))]
    public async Task A_try_is_answered_with_the_reply_its_answer_names(string item, Type reply)
    {
        var (order, branch) = (Guid.NewGuid(), Guid.CreateVersion7());
        await Harness.Bus.Publish(new TryHold(order, branch, item));

        var published = await RepliesAsync(commands: 1);
        var answer = Assert.Single(published);
        Assert.Equal(reply, answer.GetType());
        Assert.Contains(answer, new object[]
        {
            new HoldTried(order, branch), new HoldRefused(order, branch, "Sold out."), new HoldConfirmed(order, branch),
        });
    }

    [Fact]
    public async Task A_confirm_settled_and_a_cancel_refused_are_answered_with_their_replies()
    {
        var (order, branch) = (Guid.NewGuid(), Guid.CreateVersion7());
        await Harness.Bus.Publish(new ConfirmHold(order, branch));
        await Harness.Bus.Publish(new CancelHold(order, branch));

        var published = await RepliesAsync(commands: 2);
        Assert.Equal(2, published.Count);
        Assert.Contains(new HoldConfirmed(order, branch), published);
        Assert.Contains(new HoldCancelRefused(order, branch, "Confirmed before."), published);
    }

    [Theory]
    [InlineData("00000000-0000-0000-0000-000000000000", true, "a seat", "TryHold is invalid: orderId is missing.")]
    [InlineData("6f1c1d5e-8d0a-4c9e-9d43-3b2a1f0e7c11", false, "a seat", "TryHold is invalid: branchId must be a version 7 UUID, not version 4.")]
    [InlineData("6f1c1d5e-8d0a-4c9e-9d43-3b2a1f0e7c11", true, null, "TryHold is invalid: item is missing.")]
    public async Task A_try_without_what_it_must_carry_is_rejected_naming_the_field(string order, bool version7Branch,
        string? item, string error)
    {
        var branch = version7Branch ? Guid.CreateVersion7() : Guid.NewGuid();
        await Harness.Bus.Publish(new TryHold(Guid.Parse(order), branch, item));

        var consumed = (await Harness.Consumed.ConsumedAsync<TryHold>(m => m.BranchId == branch))[0];
        Assert.Equal(error, consumed.Exception?.Message);
        Assert.Equal("InvalidMessageException", consumed.Exception?.GetType().Name);
        Assert.Empty(Harness.Published.PublishedSoFar<HoldTried>(m => m.BranchId == branch));
    }

    [Fact]
    public async Task A_saga_step_answers_a_reserve_and_a_cancel_with_their_replies()
    {
        var stay = Guid.NewGuid();
        await Harness.Bus.Publish(new ReserveRoom(stay));
        await Harness.Bus.Publish(new CancelRoom(stay));

        await Harness.Published.PublishedAsync<RoomReserved>(m => m.StayId == stay);
        await Harness.Published.PublishedAsync<RoomCancelled>(m => m.StayId == stay);
    }

    /// <summary>
    /// Every reply this test's harness published, once its <paramref name="commands"/> commands were consumed: a
    /// consumed command is recorded after its consumer returned, so its replies are in the list by then.
    /// </summary>
    async Task<IReadOnlyList<object>> RepliesAsync(int commands)
    {
        await Harness.Consumed.UntilAsync(m => IsCommand(m.MessageObject), "hold commands consumed", commands);
        return Harness.Published.SoFar(m => !IsCommand(m.MessageObject)).Select(m => m.MessageObject).ToList();
    }

    static bool IsCommand(object message) => message is TryHold or ConfirmHold or CancelHold;

    public Task InitializeAsync() => Harness.Start();

    public async Task DisposeAsync() => await _provider.DisposeAsync();
}
