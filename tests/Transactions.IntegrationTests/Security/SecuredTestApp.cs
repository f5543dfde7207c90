using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Transactions.ServiceDefaults;
using Transactions.ServiceDefaults.Security;

namespace Transactions.IntegrationTests.Security;

/// <summary>
/// A minimal service composed the way the coordinator and participants are (service defaults, then AddSecurity and
/// UseSecurity), with one endpoint per policy, to test the policies independently of any workflow's endpoints.
/// </summary>
sealed class SecuredTestApp : IAsyncDisposable
{
    public const string StarterKey = "starter-key-0123456789-0123456789";
    public const string OperatorKey = "operator-key-0123456789-0123456789";
    public const string ReaderKey = "reader-key-0123456789-0123456789";

    readonly WebApplication _app;

    SecuredTestApp(WebApplication app) => _app = app;

    public static async Task<SecuredTestApp> StartAsync(Dictionary<string, string?> settings)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = "Testing" });
        builder.WebHost.UseTestServer();
        builder.Configuration.AddInMemoryCollection(Keys());
        builder.Configuration.AddInMemoryCollection(settings);
        builder.AddServiceDefaults();
        builder.AddSecurity();

        var app = builder.Build();
        app.UseServiceDefaults();
        app.UseSecurity();
        app.MapPost("/start", (Payload body) => Results.Accepted("/read", body)).RequireStarter();
        app.MapPost("/operate", () => Results.Ok()).RequireOperator();
        app.MapGet("/read", () => Results.Ok("read")).RequireReader();
        app.MapGet("/unmarked", () => Results.Ok("unmarked"));
        await app.StartAsync();
        return new SecuredTestApp(app);
    }

    public HttpClient Client(string? apiKey = null)
    {
        var client = _app.GetTestClient();
        if (apiKey is not null)
            client.DefaultRequestHeaders.Add(ApiKeyAuthenticationHandler.HeaderName, apiKey);
        return client;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    static Dictionary<string, string?> Keys() => new()
    {
        ["Security:ApiKeys:0:Name"] = "starter",
        ["Security:ApiKeys:0:Key"] = StarterKey,
        ["Security:ApiKeys:0:Roles:0"] = Roles.Starter,
        ["Security:ApiKeys:1:Name"] = "operator",
        ["Security:ApiKeys:1:Key"] = OperatorKey,
        ["Security:ApiKeys:1:Roles:0"] = Roles.Operator,
        ["Security:ApiKeys:2:Name"] = "reader",
        // Given as its SHA-256, the way production can keep keys out of configuration.
        ["Security:ApiKeys:2:KeySha256"] = Convert.ToHexString(
            System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(ReaderKey))),
        ["Security:ApiKeys:2:Roles:0"] = Roles.Reader,
    };

    public sealed record Payload(string Text);
}
