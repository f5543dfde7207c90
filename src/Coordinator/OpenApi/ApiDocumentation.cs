using Scalar.AspNetCore;
using Transactions.ServiceDefaults.Security;

namespace Transactions.Coordinator.OpenApi;

public static class ApiDocumentation
{
    public const string DocumentPath = "/openapi/v1.json";
    public const string UiPath = "/scalar";

    /// <summary>The OpenAPI document of every endpoint, with the API key scheme and the endpoints' examples.</summary>
    public static IServiceCollection AddApiDocumentation(this IServiceCollection services) =>
        services.AddOpenApi("v1", options =>
        {
            options.AddDocumentTransformer<ApiKeySchemeTransformer>();
            options.AddOperationTransformer<OperationTransformer>();
        });

    /// <summary>
    /// <c>GET /openapi/v1.json</c> and the interactive UI at <c>GET /scalar</c>, both anonymous: they describe the API
    /// and hold no data. The UI sends the API key entered in it with each request.
    /// </summary>
    public static WebApplication MapApiDocumentation(this WebApplication app)
    {
        app.MapOpenApi(DocumentPath).AllowAnonymous();
        app.MapScalarApiReference(UiPath, ui => ui
                .WithTitle("Transactions coordinator")
                .WithOpenApiRoutePattern(DocumentPath)
                .AddPreferredSecuritySchemes(ApiKeyAuthenticationHandler.SchemeName))
            .AllowAnonymous();
        return app;
    }
}
