using MassTransit;
using Microsoft.Extensions.Options;
using Transactions.Contracts.BankTransfers;
using Transactions.Coordinator.Deadlines;
using Transactions.Coordinator.SagaActions;
using Transactions.Coordinator.Sagas;
using static Transactions.Coordinator.BankTransfers.BankTransferState;

namespace Transactions.Coordinator.BankTransfers;

/// <summary>
/// A transfer as TCC: both Trys in parallel; when both succeed, Confirm both; when either is refused or the Try
/// deadline passes, Cancel both. Confirm and Cancel are resent with backoff on a durable deadline until answered;
/// the bank's barrier makes every repeat harmless. Late and repeated messages are ignored. A Confirm or Cancel the bank
/// refuses (the branch was settled the other way, never tried, or is older than the bank remembers) is a defect, never
/// a success: the transfer stops in NeedsAttention with the bank's reason. An operator may resend the unanswered
/// commands of the current phase at any time, cancel a transfer still trying, and mark a transfer that needs attention
/// Resolved once settled by hand.
/// </summary>
public sealed class BankTransferStateMachine : MassTransitStateMachine<BankTransferState>
{
    readonly TimeProvider _time;
    readonly BankTransferOptions _options;
    readonly ILogger<BankTransferStateMachine> _logger;

    public State Trying { get; private set; } = null!;
    public State Confirming { get; private set; } = null!;
    public State Cancelling { get; private set; } = null!;
    public State Completed { get; private set; } = null!;
    public State Cancelled { get; private set; } = null!;
    public State NeedsAttention { get; private set; } = null!;
    public State Resolved { get; private set; } = null!;

    public Event<StartBankTransfer> Started { get; private set; } = null!;
    public Event<DebitTried> DebitTried { get; private set; } = null!;
    public Event<CreditTried> CreditTried { get; private set; } = null!;
    public Event<DebitRefused> DebitRefused { get; private set; } = null!;
    public Event<CreditRefused> CreditRefused { get; private set; } = null!;
    public Event<DebitConfirmed> DebitConfirmed { get; private set; } = null!;
    public Event<CreditConfirmed> CreditConfirmed { get; private set; } = null!;
    public Event<DebitCancelled> DebitCancelled { get; private set; } = null!;
    public Event<CreditCancelled> CreditCancelled { get; private set; } = null!;
    public Event<DebitConfirmRefused> DebitConfirmRefused { get; private set; } = null!;
    public Event<CreditConfirmRefused> CreditConfirmRefused { get; private set; } = null!;
    public Event<DebitCancelRefused> DebitCancelRefused { get; private set; } = null!;
    public Event<CreditCancelRefused> CreditCancelRefused { get; private set; } = null!;
    public Event<DeadlineExpired> DeadlinePassed { get; private set; } = null!;
    public Event<RetrySagaStep> RetryRequested { get; private set; } = null!;
    public Event<CompensateSaga> CompensateRequested { get; private set; } = null!;
    public Event<ResolveSaga> ResolveRequested { get; private set; } = null!;

    public BankTransferStateMachine(TimeProvider time, IOptions<BankTransferOptions> options,
        ILogger<BankTransferStateMachine> logger)
    {
        _time = time;
        _options = options.Value;
        _logger = logger;

        InstanceState(s => s.CurrentState);
        Event(() => Started, e => e.CorrelateById(c => c.Message.TransferId));
        Event(() => DeadlinePassed, e =>
        {
            e.CorrelateById(c => c.Message.SagaId);
            e.OnMissingInstance(m => m.Discard());
        });
        OfExistingTransfer(() => RetryRequested, c => c.SagaId);
        OfExistingTransfer(() => CompensateRequested, c => c.SagaId);
        OfExistingTransfer(() => ResolveRequested, c => c.SagaId);
        OfExistingTransfer(() => DebitTried, c => c.TransferId);
        OfExistingTransfer(() => CreditTried, c => c.TransferId);
        OfExistingTransfer(() => DebitRefused, c => c.TransferId);
        OfExistingTransfer(() => CreditRefused, c => c.TransferId);
        OfExistingTransfer(() => DebitConfirmed, c => c.TransferId);
        OfExistingTransfer(() => CreditConfirmed, c => c.TransferId);
        OfExistingTransfer(() => DebitCancelled, c => c.TransferId);
        OfExistingTransfer(() => CreditCancelled, c => c.TransferId);
        OfExistingTransfer(() => DebitConfirmRefused, c => c.TransferId);
        OfExistingTransfer(() => CreditConfirmRefused, c => c.TransferId);
        OfExistingTransfer(() => DebitCancelRefused, c => c.TransferId);
        OfExistingTransfer(() => CreditCancelRefused, c => c.TransferId);

        // A repeated start, a late answer, an outdated deadline: the transfer has moved on, nothing to do.
        OnUnhandledEvent(async c =>
        {
            if (!await SagaActionAudit.RefuseIfActionAsync(c))
                logger.LogDebug("Transfer {TransferId} in {State} ignores {Event}", c.Saga.CorrelationId,
                    c.Saga.CurrentState, c.Event.Name);
        });

        Initially(
            When(Started)
                .Then(Begin)
                // Begin leaves an outcome only on a start it rejected.
                .IfElse(c => c.Saga.Outcome is null,
                    valid => valid
                        .ThenAsync(PublishTrysAsync)
                        .Then(c => WaitUntil(c.Saga, _options.TryTimeout))
                        .GoTo(Trying, _time),
                    invalid => invalid
                        .GoTo(Cancelled, _time)
                        .Publish(c => new BankTransferCancelled(c.Saga.CorrelationId, c.Saga.Outcome!))));

        During(Trying,
            When(DebitTried).Then(c => c.Saga.Step(Debit, TryPhase).Succeed())
                .If(c => c.Saga.BothSucceeded(TryPhase), StartConfirming),
            When(CreditTried).Then(c => c.Saga.Step(Credit, TryPhase).Succeed())
                .If(c => c.Saga.BothSucceeded(TryPhase), StartConfirming),
            When(DebitRefused).Then(c => Refused(c.Saga, Debit, c.Message.Reason)).Then(StartCancelling)
                .ThenAsync(PublishCancelsAsync).GoTo(Cancelling, _time),
            When(CreditRefused).Then(c => Refused(c.Saga, Credit, c.Message.Reason)).Then(StartCancelling)
                .ThenAsync(PublishCancelsAsync).GoTo(Cancelling, _time),
            When(DeadlinePassed, IsCurrent)
                .Then(c => c.Saga.Outcome = $"Try deadline passed after {_options.TryTimeout.TotalSeconds:0.#} s.")
                .Then(StartCancelling)
                .ThenAsync(PublishCancelsAsync).GoTo(Cancelling, _time),
            When(RetryRequested).ThenAsync(PublishUnansweredTrysAsync)
                .Then(c => WaitUntil(c.Saga, _options.TryTimeout))
                .ThenAsync(c => SagaActionAudit.AppliedAsync(c, "Resent the unanswered Try commands with a new Try deadline.")),
            When(CompensateRequested)
                .Then(c => c.Saga.Outcome = $"Cancelled by {c.Message.Actor}: {c.Message.Reason}")
                .ThenAsync(PublishCancelsAsync)
                .ThenAsync(c => SagaActionAudit.AppliedAsync(c, "Sent Cancel to both branches."))
                .GoTo(Cancelling, _time));

        During(Confirming,
            When(DebitConfirmed).Then(c => c.Saga.Step(Debit, ConfirmPhase).Succeed())
                .If(c => c.Saga.BothSucceeded(ConfirmPhase), Complete),
            When(CreditConfirmed).Then(c => c.Saga.Step(Credit, ConfirmPhase).Succeed())
                .If(c => c.Saga.BothSucceeded(ConfirmPhase), Complete),
            When(DebitConfirmRefused).Then(c => SettlementRefused(c.Saga, Debit, ConfirmPhase, c.Message.Reason))
                .Then(StopForAttention).Publish(c => NeedsAttentionOf(c.Saga)).GoTo(NeedsAttention, _time),
            When(CreditConfirmRefused).Then(c => SettlementRefused(c.Saga, Credit, ConfirmPhase, c.Message.Reason))
                .Then(StopForAttention).Publish(c => NeedsAttentionOf(c.Saga)).GoTo(NeedsAttention, _time),
            When(DeadlinePassed, IsCurrent).ThenAsync(PublishConfirmsAsync),
            When(RetryRequested).ThenAsync(PublishConfirmsAsync)
                .ThenAsync(c => SagaActionAudit.AppliedAsync(c, "Resent the unanswered Confirm commands.")));

        During(Cancelling,
            When(DebitCancelled).Then(c => c.Saga.Step(Debit, CancelPhase).Succeed())
                .If(c => c.Saga.BothSucceeded(CancelPhase), Cancel),
            When(CreditCancelled).Then(c => c.Saga.Step(Credit, CancelPhase).Succeed())
                .If(c => c.Saga.BothSucceeded(CancelPhase), Cancel),
            When(DebitCancelRefused).Then(c => SettlementRefused(c.Saga, Debit, CancelPhase, c.Message.Reason))
                .Then(StopForAttention).Publish(c => NeedsAttentionOf(c.Saga)).GoTo(NeedsAttention, _time),
            When(CreditCancelRefused).Then(c => SettlementRefused(c.Saga, Credit, CancelPhase, c.Message.Reason))
                .Then(StopForAttention).Publish(c => NeedsAttentionOf(c.Saga)).GoTo(NeedsAttention, _time),
            When(DeadlinePassed, IsCurrent).ThenAsync(PublishCancelsAsync),
            When(RetryRequested).ThenAsync(PublishCancelsAsync)
                .ThenAsync(c => SagaActionAudit.AppliedAsync(c, "Resent the unanswered Cancel commands.")));

        // Left to an operator, who settles the branches by hand and closes the transfer.
        During(NeedsAttention,
            When(ResolveRequested)
                .Then(c => c.Saga.Outcome = $"Resolved by {c.Message.Actor}: {c.Message.Reason} (was: {c.Saga.Outcome})")
                .GoTo(Resolved, _time)
                .ThenAsync(c => SagaActionAudit.AppliedAsync(c, "Marked the transfer Resolved.")));
    }

    EventActivityBinder<BankTransferState, T> StartConfirming<T>(EventActivityBinder<BankTransferState, T> x)
        where T : class =>
        x.ThenAsync(PublishConfirmsAsync).GoTo(Confirming, _time);

    EventActivityBinder<BankTransferState, T> Complete<T>(EventActivityBinder<BankTransferState, T> x)
        where T : class =>
        x.Then(c =>
            {
                c.Saga.DeadlineAt = null;
                c.Saga.Outcome = $"Transferred {c.Saga.Amount} {c.Saga.Currency} from {c.Saga.FromAccount} to {c.Saga.ToAccount}.";
            })
            .Then(c => _logger.LogInformation("Transfer {TransferId} completed: {Outcome}", c.Saga.CorrelationId, c.Saga.Outcome))
            .GoTo(Completed, _time)
            .Publish(c => new BankTransferCompleted(c.Saga.CorrelationId));

    EventActivityBinder<BankTransferState, T> Cancel<T>(EventActivityBinder<BankTransferState, T> x)
        where T : class =>
        x.Then(c => c.Saga.DeadlineAt = null)
            .Then(c => _logger.LogInformation("Transfer {TransferId} cancelled: {Reason}", c.Saga.CorrelationId, c.Saga.Outcome))
            .GoTo(Cancelled, _time)
            .Publish(c => new BankTransferCancelled(c.Saga.CorrelationId, c.Saga.Outcome ?? "Cancelled."));

    void OfExistingTransfer<T>(System.Linq.Expressions.Expression<Func<Event<T>>> property, Func<T, Guid> transferId)
        where T : class =>
        Event(property, e =>
        {
            e.CorrelateById(c => transferId(c.Message));
            e.OnMissingInstance(m => m.Discard());
        });

    /// <summary>
    /// Records the transfer and its two branches, or, when the start breaks the rules, only why, as its outcome. Nothing
    /// of a rejected start is kept: a field that breaks a rule may not fit its column either (a four-letter currency,
    /// a missing account), and the saga must be saved to say why it was cancelled.
    /// </summary>
    void Begin(BehaviorContext<BankTransferState, StartBankTransfer> c)
    {
        var (saga, m, now) = (c.Saga, c.Message, _time.GetUtcNow());
        saga.CreatedAt = now;
        saga.UpdatedAt = now;
        var rules = BankTransferRules.Check(m);
        if (!rules.IsValid)
        {
            saga.Outcome = "Invalid transfer: " + BankTransferRules.Describe(rules);
            return;
        }
        (saga.FromAccount, saga.ToAccount, saga.Amount, saga.Currency) = (m.FromAccount, m.ToAccount, m.Amount, m.Currency);
        saga.DebitBranchId = Outbox.Barrier.TccBarrier.NewBranchId(now);
        saga.CreditBranchId = Outbox.Barrier.TccBarrier.NewBranchId(now);
    }

    static void Refused(BankTransferState saga, string branch, string reason)
    {
        saga.Step(branch, TryPhase).Fail(reason);
        saga.Outcome = $"The {branch} was refused: {reason}";
    }

    /// <summary>The bank refused a Confirm or Cancel: record which and why; the transfer cannot finish by itself.</summary>
    static void SettlementRefused(BankTransferState saga, string branch, string phase, string reason)
    {
        saga.Step(branch, phase).Fail(reason);
        saga.Outcome = $"The bank refused the {phase} of the {branch}: {reason}";
    }

    void StopForAttention<T>(BehaviorContext<BankTransferState, T> c) where T : class
    {
        c.Saga.DeadlineAt = null;
        _logger.LogWarning("Transfer {TransferId} needs attention: {Reason}", c.Saga.CorrelationId, c.Saga.Outcome);
    }

    static BankTransferNeedsAttention NeedsAttentionOf(BankTransferState saga) =>
        new(saga.CorrelationId, saga.Outcome ?? "");

    static void StartCancelling<T>(BehaviorContext<BankTransferState, T> c) where T : class =>
        c.Saga.Outcome ??= "Cancelled.";

    async Task PublishTrysAsync(BehaviorContext<BankTransferState, StartBankTransfer> c)
    {
        var s = c.Saga;
        s.Step(Debit, TryPhase).Sent();
        s.Step(Credit, TryPhase).Sent();
        await c.Publish(new TryDebit(s.CorrelationId, s.DebitBranchId, s.FromAccount, s.Amount, s.Currency));
        await c.Publish(new TryCredit(s.CorrelationId, s.CreditBranchId, s.ToAccount, s.Amount, s.Currency));
    }

    /// <summary>Sends the Trys not yet answered again (same branch ids, so the bank's barrier sees a repeat).</summary>
    Task PublishUnansweredTrysAsync<T>(BehaviorContext<BankTransferState, T> c) where T : class =>
        PublishUnansweredAsync(c, TryPhase,
            s => new TryDebit(s.CorrelationId, s.DebitBranchId, s.FromAccount, s.Amount, s.Currency),
            s => new TryCredit(s.CorrelationId, s.CreditBranchId, s.ToAccount, s.Amount, s.Currency));

    /// <summary>Sends the Confirms not yet answered and sets the deadline of the next resend.</summary>
    Task PublishConfirmsAsync<T>(BehaviorContext<BankTransferState, T> c) where T : class =>
        PublishUnansweredAsync(c, ConfirmPhase,
            s => new ConfirmDebit(s.CorrelationId, s.DebitBranchId),
            s => new ConfirmCredit(s.CorrelationId, s.CreditBranchId));

    /// <summary>Sends the Cancels not yet answered (to both branches, tried or not) and sets the next resend.</summary>
    Task PublishCancelsAsync<T>(BehaviorContext<BankTransferState, T> c) where T : class =>
        PublishUnansweredAsync(c, CancelPhase,
            s => new CancelDebit(s.CorrelationId, s.DebitBranchId),
            s => new CancelCredit(s.CorrelationId, s.CreditBranchId));

    async Task PublishUnansweredAsync<T, TDebit, TCredit>(BehaviorContext<BankTransferState, T> c, string phase,
        Func<BankTransferState, TDebit> debit, Func<BankTransferState, TCredit> credit)
        where T : class where TDebit : class where TCredit : class
    {
        var s = c.Saga;
        var attempts = 0;
        if (s.Step(Debit, phase).Status != SagaStepStatus.Succeeded)
        {
            attempts = Math.Max(attempts, s.Step(Debit, phase).Sent().Attempts);
            await c.Publish(debit(s));
        }
        if (s.Step(Credit, phase).Status != SagaStepStatus.Succeeded)
        {
            attempts = Math.Max(attempts, s.Step(Credit, phase).Sent().Attempts);
            await c.Publish(credit(s));
        }
        WaitUntil(s, _options.RetryDelay(Math.Max(attempts, 1)));
    }

    static bool IsCurrent(BehaviorContext<BankTransferState, DeadlineExpired> c) =>
        c.Saga.DeadlineAt == c.Message.DeadlineAt;

    /// <summary>Whole milliseconds, so the value survives the database and JSON unchanged and compares equal.</summary>
    void WaitUntil(BankTransferState saga, TimeSpan delay)
    {
        var at = _time.GetUtcNow() + delay;
        saga.DeadlineAt = DateTimeOffset.FromUnixTimeMilliseconds(at.ToUnixTimeMilliseconds());
    }
}
