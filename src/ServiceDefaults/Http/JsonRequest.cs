using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace Transactions.ServiceDefaults.Http;

/// <summary>
/// Reads a JSON request body with a size limit, turning every way it can be unreadable (too large, malformed, empty)
/// into a 400 problem details response naming the field, instead of the framework's bare 400.
/// </summary>
public static class JsonRequest
{
    /// <summary>Larger bodies are refused: no request of ours needs more.</summary>
    public const int DefaultMaxBytes = 16 * 1024;

    static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web);

    public static async Task<(T? Body, IResult? Problem)> ReadAsync<T>(HttpRequest request,
        int maxBytes = DefaultMaxBytes)
        where T : class
    {
        if (request.ContentLength > maxBytes)
            return (null, Problem("body", $"The request body is larger than {maxBytes} bytes."));

        using var buffer = new MemoryStream();
        var chunk = new byte[4096];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, request.HttpContext.RequestAborted)) > 0)
        {
            if (buffer.Length + read > maxBytes)
                return (null, Problem("body", $"The request body is larger than {maxBytes} bytes."));
            buffer.Write(chunk, 0, read);
        }
        if (buffer.Length == 0)
            return (null, Problem("body", "A JSON request body is required."));

        try
        {
            var body = JsonSerializer.Deserialize<T>(buffer.GetBuffer().AsSpan(0, (int)buffer.Length), Options);
            return body is null ? (null, Problem("body", "A JSON object is required.")) : (body, null);
        }
        catch (JsonException e)
        {
            var field = string.IsNullOrEmpty(e.Path) || e.Path == "$" ? "body" : e.Path.TrimStart('$', '.');
            return (null, Problem(field, $"Malformed JSON: {e.Message}"));
        }
    }

    /// <summary>A 400 validation problem naming one field.</summary>
    public static IResult Problem(string field, string message) =>
        Results.ValidationProblem(new Dictionary<string, string[]> { [field] = [message] });
}
