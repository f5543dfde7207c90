using MassTransit.Testing;

namespace Transactions.UnitTests.Testing;

/// <summary>
/// Waits on the in-memory test harness's message lists that do not depend on the harness's idea of inactivity.
/// The harness's own waits (<c>Any</c>, <c>SelectAsync</c>) end for good once every observer has been idle for its
/// inactivity timeout (1.2 s), counted from <c>Start</c>: on a loaded machine that can pass before a test's first
/// publish, and from then on every wait answers at once with what the list held. These ask the list what it holds
/// now and poll until their own deadline.
/// </summary>
public static class HarnessLists
{
    public static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);

    /// <summary>The elements the list holds now that pass <paramref name="filter"/>; never waits.</summary>
    public static IReadOnlyList<TElement> SoFar<TElement>(this IAsyncElementList<TElement> list,
        FilterDelegate<TElement> filter) where TElement : class, IAsyncListElement =>
        // A cancelled token makes the list answer with what it holds instead of waiting for more.
        list.Select(filter, new CancellationToken(true)).ToList();

    /// <summary>
    /// Waits until the list holds at least <paramref name="count"/> elements that pass <paramref name="filter"/>,
    /// failing after <see cref="Patience"/>; returns those it holds then.
    /// </summary>
    public static Task<IReadOnlyList<TElement>> UntilAsync<TElement>(this IAsyncElementList<TElement> list,
        FilterDelegate<TElement> filter, string what, int count = 1) where TElement : class, IAsyncListElement =>
        Eventually.Until(() => Task.FromResult(list.SoFar(filter)), found => found.Count >= count, Patience,
            $"{what}, {count} of them");

    /// <summary>Waits until a <typeparamref name="T"/> that <paramref name="match"/> accepts was published; returns it.</summary>
    public static async Task<T> PublishedAsync<T>(this IPublishedMessageList list, Func<T, bool>? match = null)
        where T : class
    {
        var found = await list.UntilAsync(m => m.MessageObject is T message && (match?.Invoke(message) ?? true),
            $"{typeof(T).Name} published");
        return (T)found[0].MessageObject;
    }

    /// <summary>The <typeparamref name="T"/> messages published so far that <paramref name="match"/> accepts.</summary>
    public static IReadOnlyList<T> PublishedSoFar<T>(this IPublishedMessageList list, Func<T, bool>? match = null)
        where T : class =>
        list.SoFar(m => m.MessageObject is T message && (match?.Invoke(message) ?? true))
            .Select(m => (T)m.MessageObject).ToList();

    /// <summary>
    /// Waits until <paramref name="count"/> <typeparamref name="T"/> messages that <paramref name="match"/> accepts
    /// were consumed (or faulted: the element carries the exception), returning them. An element is added after the
    /// consumer returned, so whatever the consumer published is in the published list by then.
    /// </summary>
    public static Task<IReadOnlyList<IReceivedMessage>> ConsumedAsync<T>(this IReceivedMessageList list,
        Func<T, bool>? match = null, int count = 1) where T : class =>
        list.UntilAsync(m => m.MessageObject is T message && (match?.Invoke(message) ?? true),
            $"{typeof(T).Name} consumed", count);
}
