using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Transactions.ServiceDefaults.Security;

namespace Transactions.ServiceDefaults.Health;

/// <summary>
/// Writes each check's status. The reason a check failed (host names, virtual hosts, exception messages) goes only to
/// a caller whose API key holds a role, so operators see which dependency is down and why while an anonymous probe
/// learns nothing about the system's insides; the health service logs every failure with its exception as well.
/// </summary>
internal static class HealthResponseWriter
{
    static readonly JsonSerializerOptions Json = new() { DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull };

    public static Task WriteJson(HttpContext context, HealthReport report)
    {
        context.Response.ContentType = "application/json";
        var details = Roles.All.Any(context.User.IsInRole);
        var body = new
        {
            status = report.Status.ToString(),
            checks = report.Entries.Select(e => new
            {
                name = e.Key,
                status = e.Value.Status.ToString(),
                description = details ? e.Value.Description ?? e.Value.Exception?.Message : null,
            }),
        };
        return JsonSerializer.SerializeAsync(context.Response.Body, body, Json, context.RequestAborted);
    }
}
