using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;

namespace Transactions.ServiceDefaults.Configuration;

public static class DefaultListeningAddress
{
    /// <summary>
    /// Listens on <paramref name="url"/> unless the host was told where to listen (<c>ASPNETCORE_URLS</c>,
    /// <c>--urls</c>, <c>Urls</c> in any configuration source, or <c>ASPNETCORE_HTTP_PORTS</c>). A default written into
    /// appsettings.json instead would override <c>ASPNETCORE_URLS</c>, which ASP.NET Core reads before appsettings: a
    /// container image's <c>http://0.0.0.0:5080</c> then listened on the container's own loopback, out of reach.
    /// </summary>
    public static WebApplicationBuilder ListenByDefaultOn(this WebApplicationBuilder builder, string url)
    {
        var told = !string.IsNullOrEmpty(builder.Configuration[WebHostDefaults.ServerUrlsKey])
                   || !string.IsNullOrEmpty(builder.Configuration[WebHostDefaults.HttpPortsKey])
                   || !string.IsNullOrEmpty(builder.Configuration[WebHostDefaults.HttpsPortsKey]);
        if (!told)
            builder.WebHost.UseUrls(url);
        return builder;
    }
}
