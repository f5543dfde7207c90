using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Transactions.ServiceDefaults.Api;

/// <summary>
/// Reads a JSON request body with a size limit and turns what is wrong with it into RFC 9457 problem details that
/// name the field: malformed JSON or a value of the wrong type (400, at its JSON path), a missing body (400) and an
/// oversized one (413). Minimal APIs' own binding answers these with an empty 400 that names nothing.
/// </summary>
public static class JsonBody
{
    public const string BodyField = "body";

    public static async Task<(T? Body, IResult? Problem)> ReadAsync<T>(HttpRequest request, int maxBytes)
        where T : class
    {
        if (request.ContentLength > maxBytes)
            return (null, TooLarge(maxBytes));

        var buffer = new MemoryStream();
        var chunk = new byte[8192];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, request.HttpContext.RequestAborted)) > 0)
        {
            if (buffer.Length + read > maxBytes)
                return (null, TooLarge(maxBytes));
            buffer.Write(chunk, 0, read);
        }
        if (buffer.Length == 0)
            return (null, RequestErrors.Single(BodyField, "A JSON body is required."));

        var options = request.HttpContext.RequestServices.GetRequiredService<IOptions<JsonOptions>>().Value;
        try
        {
            var body = JsonSerializer.Deserialize<T>(buffer.ToArray(), options.SerializerOptions);
            return body is null
                ? (null, RequestErrors.Single(BodyField, "A JSON object is required."))
                : (body, null);
        }
        catch (JsonException e)
        {
            return (null, RequestErrors.Single(FieldOf(e.Path), $"Not valid JSON here: {e.Message}"));
        }
    }

    /// <summary>"$.seats" is the field "seats"; the root is the body itself.</summary>
    static string FieldOf(string? path) =>
        string.IsNullOrEmpty(path) || path == "$" ? BodyField : path.StartsWith("$.", StringComparison.Ordinal) ? path[2..] : path;

    static IResult TooLarge(int maxBytes) => Results.Problem(statusCode: StatusCodes.Status413PayloadTooLarge,
        title: "The request body is too large.", detail: $"The body may hold at most {maxBytes} bytes.",
        extensions: new Dictionary<string, object?> { ["field"] = BodyField });
}
