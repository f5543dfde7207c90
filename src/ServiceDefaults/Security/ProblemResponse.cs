using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Transactions.ServiceDefaults.Security;

/// <summary>Writes a refusal as RFC 9457 problem details through the application's problem details service.</summary>
static class ProblemResponse
{
    public static async Task WriteAsync(HttpContext context, int status, string title, string detail)
    {
        context.Response.StatusCode = status;
        await context.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            ProblemDetails = { Status = status, Title = title, Detail = detail },
        });
    }
}
