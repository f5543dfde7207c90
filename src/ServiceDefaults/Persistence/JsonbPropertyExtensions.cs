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
    public static PropertyBuilder<T> AsJsonb<T>(this PropertyBuilder<T> property) where T : class, new()
    {
        property.HasColumnType("jsonb").HasConversion(
            value => JsonSerializer.Serialize(value, Json),
            json => JsonSerializer.Deserialize<T>(json, Json) ?? new T(),
            new ValueComparer<T>(
                (a, b) => JsonSerializer.Serialize(a, Json) == JsonSerializer.Serialize(b, Json),
                value => JsonSerializer.Serialize(value, Json).GetHashCode(),
                value => JsonSerializer.Deserialize<T>(JsonSerializer.Serialize(value, Json), Json)!));
        return property;
    }
}
