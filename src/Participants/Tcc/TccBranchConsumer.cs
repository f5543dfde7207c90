using MassTransit;
using Transactions.ServiceDefaults.Messaging;

namespace Transactions.Participants.Tcc;

/// <summary>
/// What every TCC branch consumer is, so that registration can insist on one
/// (<see cref="Hosting.ParticipantRegistration.AddTccBranch{TConsumer, TContext}"/>).
/// </summary>
public interface ITccBranchConsumer : IConsumer;

/// <summary>
/// The body of a TCC branch's consumer: checks that each command carries its ids (a message without them goes to <c>_error</c> at
/// once, the field named, see <see cref="InvalidMessageException"/>), asks the participant's Try, Confirm or Cancel, and
/// publishes the reply its <see cref="TccBranchMessages{TTry, TConfirm, TCancel}"/> give for the answer. Behind the
/// outbox (as registered), the reply commits with the change and the inbox row. A derived class writes the three
/// phases, usually through <see cref="TccBranchRunner{TContext}"/>, which puts them behind the barrier, and declares
/// the three <see cref="IConsumer{TMessage}"/> it is (C# lets no generic class implement them for it), each passed on:
/// <code>public Task Consume(ConsumeContext&lt;TryDebit&gt; context) =&gt; ConsumeTry(context);</code>
/// Registration refuses a consumer that leaves one out.
/// </summary>
/// <param name="messages">The branch's commands and replies.</param>
public abstract class TccBranchConsumer<TTry, TConfirm, TCancel>(TccBranchMessages<TTry, TConfirm, TCancel> messages)
    : ITccBranchConsumer
    where TTry : class
    where TConfirm : class
    where TCancel : class
{
    /// <summary>Reserves what <paramref name="message"/> asks for, or refuses; a repeat answers as the first did.</summary>
    protected abstract Task<TryAnswer> TryAsync(TTry message, TccBranchKey branch, CancellationToken cancellationToken);

    /// <summary>Makes the branch's reservation final.</summary>
    protected abstract Task<SettleAnswer> ConfirmAsync(TccBranchKey branch, CancellationToken cancellationToken);

    /// <summary>Releases the branch's reservation, if it has one.</summary>
    protected abstract Task<SettleAnswer> CancelAsync(TccBranchKey branch, CancellationToken cancellationToken);

    /// <summary>
    /// Checks the Try's own fields (an account id, a currency) after its ids; throw <see cref="InvalidMessageException"/>
    /// (for example through <see cref="MessageFields"/>) for one a Try can never succeed without. Business reasons (an
    /// unknown account) are answered with a refusal instead.
    /// </summary>
    protected virtual void CheckTry(TTry message)
    {
    }

    /// <summary>Handles a Try: checks it, runs <see cref="TryAsync"/> and publishes the reply.</summary>
    protected async Task ConsumeTry(ConsumeContext<TTry> context)
    {
        var branch = Checked(messages.TryKey(context.Message), typeof(TTry));
        CheckTry(context.Message);
        var answer = await TryAsync(context.Message, branch, context.CancellationToken);
        await context.Publish(answer.Result switch
        {
            TryResult.Tried => messages.Tried(branch),
            TryResult.Confirmed => messages.Confirmed(branch),
            TryResult.Cancelled => messages.Cancelled(branch),
            _ => messages.Refused(branch, answer.Reason ?? "Refused."),
        });
    }

    /// <summary>Handles a Confirm: checks it, runs <see cref="ConfirmAsync"/> and publishes the reply.</summary>
    protected async Task ConsumeConfirm(ConsumeContext<TConfirm> context)
    {
        var branch = Checked(messages.ConfirmKey(context.Message), typeof(TConfirm));
        var answer = await ConfirmAsync(branch, context.CancellationToken);
        await context.Publish(answer.Settled
            ? messages.Confirmed(branch)
            : messages.ConfirmRefused(branch, answer.Reason ?? "Refused."));
    }

    /// <summary>Handles a Cancel: checks it, runs <see cref="CancelAsync"/> and publishes the reply.</summary>
    protected async Task ConsumeCancel(ConsumeContext<TCancel> context)
    {
        var branch = Checked(messages.CancelKey(context.Message), typeof(TCancel));
        var answer = await CancelAsync(branch, context.CancellationToken);
        await context.Publish(answer.Settled
            ? messages.Cancelled(branch)
            : messages.CancelRefused(branch, answer.Reason ?? "Refused."));
    }

    /// <summary>A message without its ids can never succeed, so it is rejected rather than retried.</summary>
    TccBranchKey Checked(TccBranchKey branch, Type messageType)
    {
        MessageFields.RequireId(messageType.Name, messages.TransactionIdField, branch.TransactionId);
        MessageFields.RequireBranchId(messageType.Name, messages.BranchIdField, branch.BranchId);
        return branch;
    }
}
