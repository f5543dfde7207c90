using MassTransit;

namespace Transactions.Participants.SagaSteps;

/// <summary>
/// What every saga step consumer is, so that registration can insist on one
/// (<see cref="Hosting.ParticipantRegistration.AddSagaStep{TConsumer, TContext}"/>).
/// </summary>
public interface ISagaStepConsumer : IConsumer;

/// <summary>
/// The body of a saga step's consumer (reserve, and cancel as its compensation): asks the participant and publishes the reply its
/// <see cref="SagaStepMessages{TReserve, TCancel}"/> give. Behind the outbox and inbox (as registered), a command has
/// its effect once per message id and its reply commits with it. A redelivered command with a new message id must be
/// answered again from what was stored, so a reply lost on the way out is sent once more: the participant keeps one
/// answer per saga, as the sample's reservation book does. The derived class declares the two
/// <see cref="IConsumer{TMessage}"/> it is, each passed on (<c>Consume(context) =&gt; ConsumeReserve(context)</c>);
/// registration refuses a consumer that leaves one out.
/// </summary>
/// <param name="messages">The step's replies.</param>
public abstract class SagaStepConsumer<TReserve, TCancel>(SagaStepMessages<TReserve, TCancel> messages)
    : ISagaStepConsumer
    where TReserve : class
    where TCancel : class
{
    /// <summary>Reserves what <paramref name="message"/> asks for, or refuses; a repeat answers as the first did.</summary>
    protected abstract Task<ReserveAnswer> ReserveAsync(TReserve message, CancellationToken cancellationToken);

    /// <summary>
    /// Releases what the saga's reserve took; a cancel of what was refused or never requested changes nothing, and a
    /// reserve arriving after it must be refused.
    /// </summary>
    protected abstract Task CancelAsync(TCancel message, CancellationToken cancellationToken);

    /// <summary>Handles a reserve command: runs <see cref="ReserveAsync"/> and publishes the reply, if any.</summary>
    protected async Task ConsumeReserve(ConsumeContext<TReserve> context)
    {
        var answer = await ReserveAsync(context.Message, context.CancellationToken);
        if (answer.Result == ReserveResult.Unanswered)
            return;
        await context.Publish(answer.Result == ReserveResult.Reserved
            ? messages.Reserved(context.Message)
            : messages.Refused(context.Message, answer.Reason ?? "Refused."));
    }

    /// <summary>Handles a cancel command: runs <see cref="CancelAsync"/> and publishes the reply.</summary>
    protected async Task ConsumeCancel(ConsumeContext<TCancel> context)
    {
        await CancelAsync(context.Message, context.CancellationToken);
        await context.Publish(messages.Cancelled(context.Message));
    }
}
