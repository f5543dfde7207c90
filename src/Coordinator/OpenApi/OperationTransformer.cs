using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.Extensions.Options;
using Microsoft.OpenApi;
using Transactions.ServiceDefaults.Security;

namespace Transactions.Coordinator.OpenApi;

/// <summary>
/// Completes each operation from its endpoint's metadata: the API key requirement unless the endpoint allows anonymous
/// callers, the examples of <see cref="ApiExamples"/>, and a 400 problem details answer for every request body.
/// </summary>
sealed class OperationTransformer(IOptions<JsonOptions> json) : IOpenApiOperationTransformer
{
    public Task TransformAsync(OpenApiOperation operation, OpenApiOperationTransformerContext context,
        CancellationToken cancellationToken)
    {
        var metadata = context.Description.ActionDescriptor.EndpointMetadata;
        if (!metadata.OfType<IAllowAnonymous>().Any())
        {
            operation.Security ??= [];
            operation.Security.Add(new OpenApiSecurityRequirement
            {
                [new OpenApiSecuritySchemeReference(ApiKeyAuthenticationHandler.SchemeName, context.Document)] = [],
            });
        }

        foreach (var example in metadata.OfType<RequestExample>())
        {
            foreach (var media in operation.RequestBody?.Content?.Values ?? [])
                media.Example = JsonSerializer.SerializeToNode(example.Value, json.Value.SerializerOptions);
        }

        foreach (var example in metadata.OfType<ResponseExample>())
        {
            var status = example.StatusCode.ToString(CultureInfo.InvariantCulture);
            if (operation.Responses?.TryGetValue(status, out var response) == true)
            {
                foreach (var media in response.Content?.Values ?? [])
                    media.Example = JsonSerializer.SerializeToNode(example.Value, json.Value.SerializerOptions);
            }
        }

        if (operation.RequestBody is not null && operation.Responses?.ContainsKey("400") == false)
        {
            operation.Responses["400"] = new OpenApiResponse
            {
                Description = "The request is invalid: RFC 9457 problem details naming each field at fault.",
                Content = new Dictionary<string, OpenApiMediaType> { ["application/problem+json"] = new() },
            };
        }
        return Task.CompletedTask;
    }
}
