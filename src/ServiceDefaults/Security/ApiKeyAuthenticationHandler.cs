using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Transactions.ServiceDefaults.Security;

/// <summary>
/// Authenticates a caller by the key in <c>X-Api-Key</c> or <c>Authorization: ApiKey &lt;key&gt;</c>, with the
/// key's roles as role claims. Refusals are RFC 9457 problem details: 401 without a valid key, 403 without the role.
/// </summary>
public sealed class ApiKeyAuthenticationHandler(IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger, UrlEncoder encoder, ApiKeyStore keys)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "ApiKey";
    public const string HeaderName = "X-Api-Key";

    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var presented = PresentedKey(Request);
        if (presented is null)
            return Task.FromResult(AuthenticateResult.NoResult());
        var key = keys.Find(presented);
        if (key is null)
        {
            Logger.LogWarning("Refused an unknown API key from {RemoteIp}", Context.Connection.RemoteIpAddress);
            return Task.FromResult(AuthenticateResult.Fail("The API key is not valid."));
        }

        var claims = key.Roles.Select(role => new Claim(ClaimTypes.Role, role)).Prepend(new Claim(ClaimTypes.Name, key.Name));
        var principal = new ClaimsPrincipal(new ClaimsIdentity(claims, SchemeName, ClaimTypes.Name, ClaimTypes.Role));
        return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(principal, SchemeName)));
    }

    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        Response.Headers.WWWAuthenticate = $"{SchemeName} header=\"{HeaderName}\"";
        var invalid = PresentedKey(Request) is not null;
        await ProblemResponse.WriteAsync(Context, StatusCodes.Status401Unauthorized, "Unauthorized", invalid
            ? "The API key is not valid."
            : $"This endpoint needs an API key in the {HeaderName} header (or 'Authorization: {SchemeName} <key>').");
    }

    protected override async Task HandleForbiddenAsync(AuthenticationProperties properties)
    {
        await ProblemResponse.WriteAsync(Context, StatusCodes.Status403Forbidden, "Forbidden", $"The API key '{Context.User.Identity?.Name}' lacks the role this endpoint needs.");
    }

    /// <summary>The key the request presents in either header, or null.</summary>
    internal static string? PresentedKey(HttpRequest request)
    {
        if (request.Headers.TryGetValue(HeaderName, out var header) && !string.IsNullOrEmpty(header))
            return header.ToString();
        var authorization = request.Headers.Authorization.ToString();
        const string prefix = SchemeName + " ";
        return authorization.StartsWith(prefix, StringComparison.OrdinalIgnoreCase) && authorization.Length > prefix.Length
            ? authorization[prefix.Length..].Trim()
            : null;
    }
}
