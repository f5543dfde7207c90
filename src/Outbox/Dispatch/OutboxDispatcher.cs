using System.Collections.Concurrent;
using System.Data.Common;
using System.Threading.Channels;
using MassTransit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Transactions.Outbox.Delivery;
using Transactions.Outbox.Outbox;

namespace Transactions.Outbox.Dispatch;

/// <summary>
/// Sends the outbox rows of <typeparamref name="TDbContext"/> that a transaction of this process has just committed,
/// from memory, without reading them back: a row costs its insert and a share of one batched delete instead of a
/// delivery round. Messages of one conversation go out one after another in the order they were written, and never
/// ahead of an older row of their conversation that this process is not sending itself (a row another process wrote,
/// or one whose send failed). Such messages wait: most often the older row is another instance's, sent and deleted by
/// it within milliseconds, and they are sent as soon as it is gone; what still waits after half the grace period stays
/// in the table for the delivery service, which takes rows once they are older than
/// <see cref="PostgresOutboxOptions.DispatchGracePeriod"/> and delivers each conversation in order.
/// </summary>
sealed class OutboxDispatcher<TDbContext>(IBus bus, IOptions<PostgresOutboxOptions> options,
    OutboxWakeup<TDbContext> wakeup, OutboxMetrics metrics, ConversationBackoff<TDbContext> backoff, TimeProvider time,
    IServiceProvider services, ILogger<OutboxDispatcher<TDbContext>> logger)
    where TDbContext : DbContext
{
    readonly PostgresOutboxOptions _options = options.Value;

    /// <summary>Rows this process is sending, or has sent and not yet deleted: older rows a new message may pass by.</summary>
    readonly ConcurrentDictionary<long, byte> _own = new();

    /// <summary>Per conversation, the last send this process started; the next one of the conversation waits for it.</summary>
    readonly Dictionary<Guid, Task<bool>> _tails = [];

    readonly Channel<long> _sent = Channel.CreateUnbounded<long>(new() { SingleReader = true });

    long _lastLeftTicks;
    int _wakeScheduled;

    /// <summary>A process that delivers nothing (<see cref="PostgresOutboxOptions.DeliveryEnabled"/> off) sends nothing at commit either.</summary>
    public bool Enabled => _options.DispatchAfterCommit && _options.DeliveryEnabled;

    /// <summary>Sends in flight end with the host; what they did not finish stays in the table for the delivery service.</summary>
    CancellationToken Stopping => _stopping ??=
        services.GetService<IHostApplicationLifetime>()?.ApplicationStopping ?? CancellationToken.None;

    CancellationToken? _stopping;

    /// <summary>Sequence numbers of sent rows, for <see cref="DispatchedRowsRemover{TDbContext}"/> to delete.</summary>
    public ChannelReader<long> Sent => _sent.Reader;

    /// <summary>True when the row is this process's to send or delete: no reason to hold back a later message.</summary>
    public bool IsOwn(long sequenceNumber) => _own.ContainsKey(sequenceNumber);

    /// <summary>
    /// The remover deleted these rows. They stay known as this process's own for a while longer: a commit's check for
    /// older rows may have read them just before the delete and look them up just after.
    /// </summary>
    public void Deleted(IEnumerable<long> sequenceNumbers)
    {
        var now = time.GetUtcNow().UtcTicks;
        foreach (var sequenceNumber in sequenceNumbers)
            _deleted.Enqueue((sequenceNumber, now));
        ForgetDeleted();
    }

    /// <summary>
    /// Stops counting as own the rows deleted longer ago than <see cref="RememberDeleted"/>. Each delivery round calls it
    /// too: a row whose delete failed is still in the table, and must be taken again (with the rest of its conversation)
    /// even when nothing is deleted after it.
    /// </summary>
    public void ForgetDeleted()
    {
        var forgetBefore = time.GetUtcNow().UtcTicks - RememberDeleted.Ticks;
        while (_deleted.TryPeek(out var oldest) && oldest.At < forgetBefore && _deleted.TryDequeue(out oldest))
            _own.TryRemove(oldest.SequenceNumber, out _);
    }

    static readonly TimeSpan RememberDeleted = TimeSpan.FromSeconds(30);
    readonly ConcurrentQueue<(long SequenceNumber, long At)> _deleted = new();

    /// <summary>
    /// Sends the committed <paramref name="messages"/> now, but for the <paramref name="heldBack"/> conversations
    /// (see <see cref="Reserve"/>); for rows committed without a transaction of the caller's.
    /// </summary>
    public void Dispatch(IReadOnlyList<OutboxMessage> messages, IReadOnlySet<Guid> heldBack) =>
        Reserve(messages, heldBack).Send();

    /// <summary>
    /// Takes each conversation of <paramref name="messages"/> its place in the order of this process's sends, before
    /// the transaction that wrote them commits: a transaction that commits later but is quicker to call
    /// <see cref="Reservation.Send"/> still sends its messages of the same conversation behind these. The
    /// <paramref name="heldBack"/> conversations, which have older rows in the table that this process is not
    /// sending, are left to the delivery service.
    /// </summary>
    public Reservation Reserve(IReadOnlyList<OutboxMessage> messages, IReadOnlySet<Guid> heldBack)
    {
        var conversations = new List<ReservedConversation>();
        foreach (var conversation in messages.GroupBy(m => m.PartitionKey))
        {
            if (heldBack.Contains(conversation.Key))
                continue;
            var inOrder = conversation.OrderBy(m => m.SequenceNumber).ToList();
            foreach (var message in inOrder)
                _own[message.SequenceNumber] = 0;
            var done = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
            Task<bool>? previous;
            lock (_tails)
            {
                _tails.TryGetValue(conversation.Key, out previous);
                _tails[conversation.Key] = done.Task;
            }
            conversations.Add(new ReservedConversation(conversation.Key, previous, inOrder, done));
        }
        var waiting = messages.Where(m => heldBack.Contains(m.PartitionKey)).ToList();
        if (waiting.Count > 0)
            metrics.LeftToDelivery(waiting.Count);
        return new Reservation(this, conversations, waiting);
    }

    /// <summary>A conversation's place: the send before it, its messages, and what it tells the send after it.</summary>
    internal sealed record ReservedConversation(Guid Key, Task<bool>? Previous, List<OutboxMessage> Messages,
        TaskCompletionSource<bool> Done);

    /// <summary>The places <see cref="Reserve"/> took: sent once the transaction committed, or given up.</summary>
    public sealed class Reservation
    {
        readonly OutboxDispatcher<TDbContext> _dispatcher;
        readonly List<ReservedConversation> _conversations;
        readonly List<OutboxMessage> _heldBack;
        int _ended;

        internal Reservation(OutboxDispatcher<TDbContext> dispatcher, List<ReservedConversation> conversations,
            List<OutboxMessage> heldBack) => (_dispatcher, _conversations, _heldBack) = (dispatcher, conversations, heldBack);

        /// <summary>The transaction committed: send.</summary>
        public void Send()
        {
            if (Interlocked.Exchange(ref _ended, 1) != 0)
                return;
            foreach (var c in _conversations)
                _ = _dispatcher.SendInOrderAsync(c.Key, c.Previous, c.Messages, c.Done);
            if (_heldBack.Count > 0)
                _ = _dispatcher.SendOnceOlderRowsAreGoneAsync(_heldBack);
        }

        /// <summary>
        /// The transaction did not commit, or <paramref name="mayHaveCommitted"/> (its commit failed, the outcome
        /// unknown): nothing to send. After a rollback the conversations' later sends go on as if these places were
        /// never taken. Should rows of an unknown outcome have committed, they are no longer this process's own, so
        /// later commits of their conversations hold back for the delivery service; and the sends already queued
        /// behind them leave their rows to it as well, which sends them in order after these.
        /// </summary>
        public void Cancel(bool mayHaveCommitted = false)
        {
            if (Interlocked.Exchange(ref _ended, 1) != 0)
                return;
            foreach (var c in _conversations)
            {
                foreach (var message in c.Messages)
                    _dispatcher._own.TryRemove(message.SequenceNumber, out _);
                _ = _dispatcher.PassOnAsync(c.Key, c.Previous, c.Done, mayHaveCommitted);
            }
        }
    }

    async Task PassOnAsync(Guid conversation, Task<bool>? previous, TaskCompletionSource<bool> done, bool mayHaveCommitted)
    {
        var sending = previous is null || await previous;
        done.SetResult(sending && !mayHaveCommitted);
        ForgetTail(conversation, done);
    }

    void ForgetTail(Guid conversation, TaskCompletionSource<bool> done)
    {
        lock (_tails)
            if (_tails.TryGetValue(conversation, out var tail) && tail == done.Task)
                _tails.Remove(conversation);
    }

    /// <summary>
    /// Sends the conversation's messages once its previous send finished; when that one or any of these fails, the
    /// rest stay in the table, behind the failed row, for the delivery service.
    /// </summary>
    async Task SendInOrderAsync(Guid conversation, Task<bool>? previous, List<OutboxMessage> messages,
        TaskCompletionSource<bool> done)
    {
        var sending = previous is null || await previous;
        foreach (var message in messages)
        {
            if (sending)
            {
                try
                {
                    if (!StoredMessageSender.HasExpired(message, time))
                    {
                        await StoredMessageSender.SendAsync(bus, message, _options.DeliveryTimeout, time,
                            Stopping);
                        // Evidence that the broker takes messages: a round's failure meanwhile is its message's own.
                        backoff.Confirmed();
                    }
                    _sent.Writer.TryWrite(message.SequenceNumber);
                    metrics.Delivered(1);
                    continue;
                }
                catch (Exception e)
                {
                    logger.LogWarning("Sending outbox message {MessageId} after commit failed; it and the later messages " +
                        "of its conversation are left to the delivery service: {Error}", message.MessageId, e.Message);
                    sending = false;
                }
            }
            _own.TryRemove(message.SequenceNumber, out _);
            metrics.LeftToDelivery(1);
            WakeDeliveryAfterGrace();
        }
        done.SetResult(sending);
        ForgetTail(conversation, done);
    }

    /// <summary>
    /// Sends held-back messages once no older row of their conversation is left that this process is not sending,
    /// looking again after 20 ms, then at doubling intervals up to half a second. Half the grace period on, what still
    /// waits is left to the delivery service: well before that takes the rows, so that no row is sent by both.
    /// </summary>
    async Task SendOnceOlderRowsAreGoneAsync(List<OutboxMessage> waiting)
    {
        var giveUpAt = time.GetUtcNow() + _options.DispatchGracePeriod / 2;
        var delay = TimeSpan.FromMilliseconds(20);
        try
        {
            while (waiting.Count > 0 && time.GetUtcNow() + delay < giveUpAt)
            {
                await Task.Delay(delay, time, Stopping);
                delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, TimeSpan.FromMilliseconds(500).Ticks));
                await using var scope = services.CreateAsyncScope();
                var db = scope.ServiceProvider.GetRequiredService<TDbContext>();
                await db.Database.OpenConnectionAsync(Stopping);
                var heldBack = await OlderRows.HeldBackAsync(db.Database.GetDbConnection(), null, waiting, IsOwn, Stopping);
                var ready = waiting.Where(m => !heldBack.Contains(m.PartitionKey)).ToList();
                if (ready.Count == 0)
                    continue;
                // Reserved only now, so a later commit of the conversation in this process, held back behind these
                // rows until this moment, is sent after them.
                Reserve(ready, OlderRows.NoneHeldBack).Send();
                waiting = waiting.Where(m => heldBack.Contains(m.PartitionKey)).ToList();
            }
        }
        catch (Exception e) when (e is OperationCanceledException or DbException or InvalidOperationException)
        {
            logger.LogDebug("Looking again at held-back outbox messages failed; the delivery service takes them: {Error}",
                e.Message);
        }
        if (waiting.Count > 0)
            WakeDeliveryAfterGrace();
    }

    /// <summary>
    /// Wakes this process's delivery service once the rows just left in the table (here, or by another instance that
    /// notified) are older than the grace period and so its to take; one wake-up covers every row left before it.
    /// </summary>
    public void WakeDeliveryAfterGrace()
    {
        Volatile.Write(ref _lastLeftTicks, time.GetUtcNow().UtcTicks);
        if (Interlocked.Exchange(ref _wakeScheduled, 1) == 0)
            _ = WakeDeliveryAfterGraceAsync();
    }

    async Task WakeDeliveryAfterGraceAsync()
    {
        while (true)
        {
            var last = Volatile.Read(ref _lastLeftTicks);
            var due = new DateTimeOffset(last, TimeSpan.Zero) + _options.DispatchGracePeriod + TimeSpan.FromMilliseconds(50)
                - time.GetUtcNow();
            if (due > TimeSpan.Zero)
                await Task.Delay(due, time);
            // Locally only: the other instances were told of the commit already, and their delivery applies its own grace.
            wakeup.Signal.Set();
            Volatile.Write(ref _wakeScheduled, 0);
            // Rows left since the read above need a wake-up of their own, one grace period after the last of them.
            if (Volatile.Read(ref _lastLeftTicks) == last || Interlocked.Exchange(ref _wakeScheduled, 1) != 0)
                return;
        }
    }
}
