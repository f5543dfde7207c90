using System.Globalization;
using Transactions.Outbox.Sagas;
using Transactions.ServiceDefaults.Http;

namespace Transactions.Coordinator.Sagas;

/// <summary>
/// The filters and page of <c>GET /api/sagas</c>, parsed from the query string. Creation times are a half-open range
/// [createdFrom, createdTo); <see cref="StuckFor"/> selects non-terminal sagas not updated for at least that long.
/// </summary>
public sealed record SagaListQuery(string? Workflow, string? State, bool? IsTerminal, TimeSpan? StuckFor,
    DateTimeOffset? CreatedFrom, DateTimeOffset? CreatedTo, int Limit, PageCursor? After)
{
    public const int DefaultLimit = 50;
    public const int MaxLimit = 500;

    /// <summary>Bounds stuckFor so that now - stuckFor stays a valid instant.</summary>
    public static readonly TimeSpan MaxStuckFor = TimeSpan.FromDays(3650);

    /// <summary>The query, or a 400 problem naming every parameter at fault.</summary>
    public static (SagaListQuery? Query, IResult? Problem) Parse(IQueryCollection query,
        IEnumerable<SagaWorkflow> workflows)
    {
        var rules = new RequestRules();
        var workflow = Text(query, "workflow");
        rules.Check(workflow is null || workflows.Any(w => w.Name == workflow), "workflow",
            $"Unknown workflow; one of: {string.Join(", ", workflows.Select(w => w.Name))}.");
        var state = Text(query, "state");
        rules.Check(state is null || state.Length <= TrackedSagaMapping.CurrentStateMaxLength, "state",
            $"At most {TrackedSagaMapping.CurrentStateMaxLength} characters.");

        bool? isTerminal = null;
        if (Text(query, "isTerminal") is { } terminalText)
        {
            var ok = bool.TryParse(terminalText, out var terminal);
            rules.Check(ok, "isTerminal", "Must be true or false.");
            isTerminal = ok ? terminal : null;
        }

        TimeSpan? stuckFor = null;
        if (Text(query, "stuckFor") is { } stuckText)
        {
            var ok = TryParseDuration(stuckText, out var stuck) && stuck > TimeSpan.Zero && stuck <= MaxStuckFor;
            rules.Check(ok, "stuckFor",
                "Must be a positive number of seconds or a TimeSpan such as 00:05:00, at most 3650 days.");
            stuckFor = ok ? stuck : null;
        }

        rules.Check(stuckFor is null || isTerminal != true, "isTerminal",
            "stuckFor selects non-terminal sagas; leave isTerminal out or false.");

        var createdFrom = Instant(query, "createdFrom", rules);
        var createdTo = Instant(query, "createdTo", rules);
        rules.Check(createdFrom is null || createdTo is null || createdFrom < createdTo, "createdTo",
            "Must be after createdFrom.");

        var limit = rules.Limit("limit", Text(query, "limit"), DefaultLimit, MaxLimit);

        PageCursor? after = null;
        if (Text(query, "cursor") is { } cursorText)
            rules.Check(PageCursor.TryDecode(cursorText, out after), "cursor",
                "Not a cursor this API returned; pass nextCursor unchanged.");

        return rules.IsValid
            ? (new SagaListQuery(workflow, state, isTerminal, stuckFor, createdFrom, createdTo, limit, after), null)
            : (null, rules.ToProblem());
    }

    static string? Text(IQueryCollection query, string name) =>
        query.TryGetValue(name, out var values) && !string.IsNullOrEmpty(values.ToString()) ? values.ToString() : null;

    static bool TryParseDuration(string text, out TimeSpan duration)
    {
        if (long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds))
        {
            // Too many seconds for a TimeSpan is still a number of seconds: out of range, not malformed.
            duration = seconds <= MaxStuckFor.TotalSeconds ? TimeSpan.FromSeconds(seconds) : TimeSpan.MaxValue;
            return true;
        }
        return TimeSpan.TryParse(text, CultureInfo.InvariantCulture, out duration);
    }

    /// <summary>An ISO 8601 instant; without an offset it is taken as UTC. PostgreSQL compares in UTC.</summary>
    static DateTimeOffset? Instant(IQueryCollection query, string name, RequestRules rules)
    {
        if (Text(query, name) is not { } text)
            return null;
        var ok = DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal,
            out var instant);
        rules.Check(ok, name, "Must be an ISO 8601 date and time, for example 2026-03-01T12:00:00Z.");
        return ok ? instant.ToUniversalTime() : null;
    }
}
