namespace Transactions.Coordinator.OpenApi;

/// <summary>An example request body an endpoint's OpenAPI operation shows.</summary>
public sealed record RequestExample(object Value);

/// <summary>An example response body for one status code.</summary>
public sealed record ResponseExample(int StatusCode, object Value);

/// <summary>
/// Documents an endpoint's bodies by example, one call each:
/// <code>app.MapPost("/api/bank-transfers", Start).WithRequestExample(new StartBankTransferRequest(...))
///     .WithResponseExample(StatusCodes.Status202Accepted, new SagaAccepted(id));</code>
/// </summary>
public static class ApiExamples
{
    /// <summary>Declares the JSON body type <typeparamref name="T"/> (also for handlers that read the body themselves) with an example.</summary>
    public static RouteHandlerBuilder WithRequestExample<T>(this RouteHandlerBuilder builder, T example) where T : notnull =>
        builder.Accepts<T>("application/json").WithMetadata(new RequestExample(example));

    /// <summary>Declares the response <typeparamref name="T"/> for <paramref name="statusCode"/> with an example.</summary>
    public static RouteHandlerBuilder WithResponseExample<T>(this RouteHandlerBuilder builder, int statusCode, T example)
        where T : notnull =>
        builder.Produces<T>(statusCode).WithMetadata(new ResponseExample(statusCode, example));
}
