using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Transactions.Coordinator;
using Transactions.IntegrationTests.Infrastructure;

namespace Transactions.IntegrationTests.OpenApi;

public sealed partial class ApiDocumentationTests(IsolatedServices services) : IClassFixture<IsolatedServices>
{
    [Fact]
    public async Task The_document_lists_every_mapped_api_endpoint_with_the_api_key_scheme_and_is_anonymous()
    {
        await using var host = await StartAsync();
        using var anonymous = host.CreateAnonymousClient();

        using var response = await anonymous.GetAsync("/openapi/v1.json");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var document = await response.Content.ReadFromJsonAsync<JsonElement>();

        var scheme = document.GetProperty("components").GetProperty("securitySchemes").GetProperty("ApiKey");
        Assert.Equal("apiKey", scheme.GetProperty("type").GetString());
        Assert.Equal("X-Api-Key", scheme.GetProperty("name").GetString());
        var documented = document.GetProperty("paths").EnumerateObject()
            .SelectMany(path => path.Value.EnumerateObject().Select(op => $"{op.Name.ToUpperInvariant()} {path.Name}"))
            .ToHashSet();
        foreach (var endpoint in ApiEndpoints(host.Services))
            Assert.Contains(endpoint, documented);
    }

    [Fact]
    public async Task Operations_are_grouped_under_readable_names_not_class_names()
    {
        await using var host = await StartAsync();
        using var anonymous = host.CreateAnonymousClient();

        var document = await anonymous.GetFromJsonAsync<JsonElement>("/openapi/v1.json");

        var tags = document.GetProperty("paths").EnumerateObject()
            .SelectMany(path => path.Value.EnumerateObject())
            .Select(operation => operation.Value.TryGetProperty("tags", out var names)
                ? string.Join(",", names.EnumerateArray().Select(name => name.GetString()))
                : "(none)")
            .ToHashSet();
        Assert.Equal(["Bank transfers", "Outbox", "Reconciliation", "Saga actions", "Sagas", "Travel bookings"],
            tags.Order());
    }

    [Fact]
    public async Task The_interactive_ui_answers_anonymously_and_points_at_the_document()
    {
        await using var host = await StartAsync();
        using var anonymous = host.CreateAnonymousClient();

        using var response = await anonymous.GetAsync("/scalar/");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("\"url\":\"openapi/v1.json\"", await response.Content.ReadAsStringAsync());
        using var script = await anonymous.GetAsync("/scalar/scalar.js");
        Assert.Equal(HttpStatusCode.OK, script.StatusCode);
    }

    /// <summary>"METHOD /route" of every endpoint a handler serves, except those hidden from the description.</summary>
    static IEnumerable<string> ApiEndpoints(IServiceProvider provider) =>
        provider.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.Metadata.GetMetadata<System.Reflection.MethodInfo>() is not null)
            .Where(e => e.Metadata.GetMetadata<IExcludeFromDescriptionMetadata>() is not { ExcludeFromDescription: true })
            .SelectMany(e => (e.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods ?? [])
                .Select(method => $"{method} /{RouteConstraint().Replace(e.RoutePattern.RawText!.Trim('/'), "}")}"));

    // The document names parameters without their route constraints ({id:guid} is {id}) and paths without a
    // trailing slash (a group's "/" route).
    [System.Text.RegularExpressions.GeneratedRegex(":[^}]*}")]
    private static partial System.Text.RegularExpressions.Regex RouteConstraint();

    Task<ServiceHost<CoordinatorAssembly>> StartAsync() => CoordinatorHost.StartAsync(services);
}
