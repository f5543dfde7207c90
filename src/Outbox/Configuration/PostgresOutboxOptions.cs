using System.ComponentModel.DataAnnotations;

namespace Transactions.Outbox;

/// <summary>
/// Settings of the PostgreSQL outbox, inbox and delivery service, bound from the <c>Outbox</c> configuration section
/// (environment: <c>Outbox__DeliveryBatchSize</c>, ...) and then from the <c>AddPostgresOutbox</c> callback; validated
/// when the host starts, so a wrong value stops it with the setting's name.
/// </summary>
public sealed class PostgresOutboxOptions
{
    /// <summary>The configuration section the options are bound from.</summary>
    public const string Section = "Outbox";

    /// <summary>Rows one delivery round locks, sends and deletes. Larger batches mean fewer round trips.</summary>
    [Range(1, 10_000)]
    public int DeliveryBatchSize { get; set; } = 500;

    /// <summary>
    /// Delivery rounds running at once in this process. They never take the same rows (SKIP LOCKED) nor the same
    /// partition key, so a second loop overlaps one round's database work with another's broker confirms.
    /// </summary>
    [Range(1, 64)]
    public int DeliveryConcurrency { get; set; } = 2;

    /// <summary>
    /// False: this process runs no delivery service and sends nothing after commit, and its committed messages wait for
    /// another instance (or a repair such as reconciliation) to deliver them, after that instance's
    /// <see cref="DispatchGracePeriod"/>. For dedicated delivery instances; true by default.
    /// </summary>
    public bool DeliveryEnabled { get; set; } = true;

    /// <summary>
    /// True: when a transaction that wrote outbox rows commits, this process sends them to the broker at once, from
    /// memory, and deletes the confirmed rows in batches afterwards; the delivery service takes only rows older than
    /// <see cref="DispatchGracePeriod"/> (a crash between commit and send, a broker outage, rows of other processes).
    /// False: every row waits for a delivery round. A process with <see cref="DeliveryEnabled"/> off sends nothing at
    /// commit either.
    /// </summary>
    public bool DispatchAfterCommit { get; set; } = true;

    /// <summary>
    /// How long a committed row is left to the process that wrote it before the delivery service takes it. Longer than
    /// a send and its batched delete take even on a loaded machine, so that in normal running no row is sent twice (3 s
    /// was not: 3 of 2,000 messages went out twice while a test suite loaded both cores); short enough, because it is
    /// how long a message waits when the process that wrote it died before sending it.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:10:00")]
    public TimeSpan DispatchGracePeriod { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// How long rows sent after commit gather before one statement deletes them all. A crash within it only means the
    /// delivery service sends those rows again, and the inbox downstream recognises them.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "01:00:00")]
    public TimeSpan DispatchedRowsDeleteDelay { get; set; } = TimeSpan.FromMilliseconds(20);

    /// <summary>
    /// The most messages one commit group holds, on endpoints that group their commits (see
    /// <c>UsePostgresOutbox(..., groupCommit: true)</c>). Each later member of a group costs a savepoint, and PostgreSQL
    /// keeps at most 64 subtransactions of a transaction in its fast path.
    /// </summary>
    [Range(1, 64)]
    public int GroupCommitMaxMessages { get; set; } = 32;

    /// <summary>
    /// How long a later member of a commit group waits for a row lock before it gives up and is retried in a group of
    /// its own. The group holds the locks of its earlier members while it waits: where several instances consume one
    /// queue, two groups can each wait for the other's, and PostgreSQL's deadlock check would take a second to notice.
    /// The first member holds nothing and waits as long as the statement takes.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00.001", "00:00:10")]
    public TimeSpan GroupCommitLockTimeout { get; set; } = TimeSpan.FromMilliseconds(100);

    /// <summary>
    /// How often the delivery service looks for messages when no notification arrived: the fallback for a lost
    /// LISTEN connection or messages written without the outbox's notification.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00.050", "01:00:00")]
    public TimeSpan PollingInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// After a wake-up, how long delivery lets further commits gather before it runs a round: a round costs several
    /// round trips whatever its size, so a few milliseconds here turn a round per commit into a round per burst.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:00:01")]
    public TimeSpan DeliveryLinger { get; set; } = TimeSpan.FromMilliseconds(5);

    /// <summary>How long one message may take to be confirmed by the broker before the round counts it as failed.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:10:00")]
    public TimeSpan DeliveryTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How long delivery waits at start-up for this process's bus to become healthy (its queues bound).</summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:10:00")]
    public TimeSpan BusReadyTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>First wait after a round that could deliver nothing (broker down); doubles with jitter up to the maximum.</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "00:01:00")]
    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromMilliseconds(200);

    /// <summary>Longest wait between delivery attempts while the broker is down.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:10:00")]
    public TimeSpan RetryMaxDelay { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Counted failed sends after which a message leaves delivery for <c>outbox_dead_letter</c>, so that one message the
    /// broker refuses (too large for it, say) stops holding back its conversation. A failure counts only while the
    /// broker is taking other messages (see <see cref="DeliveryFailureEvidence"/>), so a broker that is away
    /// dead-letters nothing, and the counted attempts are spaced by <see cref="AttemptBackoffBase"/>, doubling: with the
    /// defaults, ten attempts take more than eight minutes, so a broker hiccup of seconds cannot use them up.
    /// </summary>
    [Range(1, 10_000)]
    public int MaxDeliveryAttempts { get; set; } = 10;

    /// <summary>
    /// Wait after a message's first counted failure before it is sent again; it doubles with each further failure up to
    /// <see cref="AttemptBackoffMax"/>. The rest of its conversation waits with it (order), other conversations do not.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "01:00:00")]
    public TimeSpan AttemptBackoffBase { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>The longest wait between two attempts of one failing message.</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "1.00:00:00")]
    public TimeSpan AttemptBackoffMax { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// A failed send counts toward <see cref="MaxDeliveryAttempts"/> only when the broker confirmed a message of this
    /// process's delivery within this time (in the same round or another): proof that the broker is up and refuses this
    /// message in particular. Failures during an outage longer than this count nothing.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:10:00")]
    public TimeSpan DeliveryFailureEvidence { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// The shortest wait before a dead letter is put back into delivery automatically; a dead letter waits at least as
    /// long as it had lived when it was dead-lettered, so each failed retry doubles the next wait. Zero turns automatic
    /// retries off: dead letters then wait for an operator.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "7.00:00:00")]
    public TimeSpan DeadLetterRetryAfter { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>
    /// Dead letters sent longer ago than this (or than <see cref="InboxRetention"/>, if shorter) are no longer retried
    /// automatically and wait for an operator.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:01", "3650.00:00:00")]
    public TimeSpan DeadLetterRetryWindow { get; set; } = TimeSpan.FromDays(1);

    /// <summary>How long inbox records are kept: a redelivery older than this would run the consumer again.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "3650.00:00:00")]
    public TimeSpan InboxRetention { get; set; } = TimeSpan.FromDays(7);

    /// <summary>How often expired inbox records are removed and dead letters due for a retry are put back.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "1.00:00:00")]
    public TimeSpan CleanupInterval { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>The PostgreSQL LISTEN/NOTIFY channel that wakes the delivery service after a commit.</summary>
    [Required(AllowEmptyStrings = false)]
    [RegularExpression("^[a-z_][a-z0-9_]{0,62}$", ErrorMessage = "NotificationChannel must be a lower-case SQL identifier.")]
    public string NotificationChannel { get; set; } = "transactions_outbox";
}
