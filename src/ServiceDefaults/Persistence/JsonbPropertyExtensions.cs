using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Transactions.ServiceDefaults.Persistence;

public static class JsonbPropertyExtensions
{
    static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>
    /// Stores a list or dictionary property as one jsonb column, compared by content so that changing an element
    /// inside it is saved too.
    /// </summary>
    public static PropertyBuilder<T> AsJsonb<T>(this PropertyBuilder<T> property) where T : class, new() =>
        property.AsJsonb(new ValueComparer<T>(
            (a, b) => JsonSerializer.Serialize(a, Json) == JsonSerializer.Serialize(b, Json),
            value => JsonSerializer.Serialize(value, Json).GetHashCode(),
            value => JsonSerializer.Deserialize<T>(JsonSerializer.Serialize(value, Json), Json)!));

    /// <summary>
    /// Stores a list as one jsonb column like <see cref="AsJsonb{T}"/>, but finds out whether it changed element by
    /// element, with the elements' own equality, and keeps its snapshot by copying each element with
    /// <paramref name="copy"/> (the identity for an immutable element). No JSON is written to compare or snapshot it: a
    /// saga's steps and history are compared on every save and snapshotted on every load.
    /// </summary>
    public static PropertyBuilder<List<T>> AsJsonbList<T>(this PropertyBuilder<List<T>> property, Func<T, T> copy)
        where T : IEquatable<T> =>
        property.AsJsonb(new ValueComparer<List<T>>(
            (a, b) => a == null ? b == null : b != null && a.SequenceEqual(b),
            value => value.Aggregate(0, (hash, element) => HashCode.Combine(hash, element)),
            value => value.ConvertAll(element => copy(element))));

    /// <summary>The jsonb column and its JSON conversion, with the comparer that tells EF Core whether it changed.</summary>
    static PropertyBuilder<T> AsJsonb<T>(this PropertyBuilder<T> property, ValueComparer<T> comparer)
        where T : class, new()
    {
        property.HasColumnType("jsonb").HasConversion(
            value => JsonSerializer.Serialize(value, Json),
            json => JsonSerializer.Deserialize<T>(json, Json) ?? new T(),
            comparer);
        return property;
    }
}
