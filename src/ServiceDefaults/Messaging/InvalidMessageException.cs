namespace Transactions.ServiceDefaults.Messaging;

/// <summary>
/// A message that can never be handled as it is (a required field missing, an id of the wrong form): retrying it
/// cannot help, so it goes to the endpoint's <c>_error</c> queue at once, with <see cref="Field"/> in its reason.
/// </summary>
public sealed class InvalidMessageException(string messageType, string field, string problem)
    : Exception($"{messageType} is invalid: {field} {problem}.")
{
    /// <summary>The field at fault, as named on the wire (camelCase).</summary>
    public string Field { get; } = field;
}
