using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;
using Transactions.ServiceDefaults.Security;

namespace Transactions.Coordinator.OpenApi;

/// <summary>Declares the API key scheme (header <c>X-Api-Key</c>) that operations refer to.</summary>
sealed class ApiKeySchemeTransformer : IOpenApiDocumentTransformer
{
    public Task TransformAsync(OpenApiDocument document, OpenApiDocumentTransformerContext context,
        CancellationToken cancellationToken)
    {
        document.Info.Title = "Transactions coordinator";
        document.Info.Description = "Starts and follows distributed transactions (sagas with compensation, TCC). " +
            $"Send an API key in the {ApiKeyAuthenticationHandler.HeaderName} header; roles: starter (start sagas), " +
            "operator (manual actions, reconciliation), reader (reads). Errors are RFC 9457 problem details.";
        document.Components ??= new OpenApiComponents();
        document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
        document.Components.SecuritySchemes[ApiKeyAuthenticationHandler.SchemeName] = new OpenApiSecurityScheme
        {
            Type = SecuritySchemeType.ApiKey,
            In = ParameterLocation.Header,
            Name = ApiKeyAuthenticationHandler.HeaderName,
            Description = "An API key from the Security:ApiKeys setting.",
        };
        return Task.CompletedTask;
    }
}
