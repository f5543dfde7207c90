using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Transactions.ServiceDefaults.Security;

/// <summary>
/// Refuses a write request whose declared body is larger than <see cref="SecurityOptions.MaxWriteBodyBytes"/> with 413
/// before anything reads it, and caps the server's read for bodies of undeclared length (chunked) at the same size.
/// </summary>
static class WriteBodyLimit
{
    public static IApplicationBuilder UseWriteBodyLimit(this IApplicationBuilder app) => app.Use(async (context, next) =>
    {
        if (context.GetEndpoint()?.Metadata.GetMetadata<WriteEndpoint>() is null)
        {
            await next(context);
            return;
        }

        var limit = context.RequestServices.GetRequiredService<IOptions<SecurityOptions>>().Value.MaxWriteBodyBytes;
        if (context.Request.ContentLength > limit)
        {
            await ProblemResponse.WriteAsync(context, StatusCodes.Status413PayloadTooLarge, "Request body too large",
                $"The body has {context.Request.ContentLength} bytes; this endpoint accepts at most {limit}.");
            return;
        }

        var size = context.Features.Get<IHttpMaxRequestBodySizeFeature>();
        if (size is { IsReadOnly: false })
            size.MaxRequestBodySize = limit;
        await next(context);
    });
}
