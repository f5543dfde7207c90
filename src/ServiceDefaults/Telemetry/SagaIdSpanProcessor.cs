using System.Diagnostics;
using OpenTelemetry;

namespace Transactions.ServiceDefaults.Telemetry;

/// <summary>
/// Puts the saga id on spans under one tag, <see cref="SagaIdTag"/>, so one query finds every span of a transaction:
/// MassTransit's saga spans carry it as <c>messaging.masstransit.saga_id</c>, HTTP spans as the route's <c>{id}</c>
/// or the <c>/api/sagas/{id}</c> a start answers with in its Location header.
/// </summary>
sealed class SagaIdSpanProcessor : BaseProcessor<Activity>
{
    public const string SagaIdTag = "saga.id";
    const string MassTransitSagaId = "messaging.masstransit.saga_id";
    const string SagaLocation = "/api/sagas/";

    public override void OnEnd(Activity activity)
    {
        if (activity.GetTagItem(SagaIdTag) is not null)
            return;
        if (activity.GetTagItem(MassTransitSagaId) is string sagaId)
            activity.SetTag(SagaIdTag, sagaId);
    }

    /// <summary>Tags an HTTP server span with the saga its request named or started.</summary>
    public static void EnrichHttp(Activity activity, Microsoft.AspNetCore.Http.HttpResponse response)
    {
        var context = response.HttpContext;
        if (context.Request.RouteValues.TryGetValue("id", out var routeId) && Guid.TryParse(routeId?.ToString(), out var id))
        {
            activity.SetTag(SagaIdTag, id.ToString("D"));
            return;
        }
        var location = response.Headers.Location.ToString();
        var at = location.IndexOf(SagaLocation, StringComparison.Ordinal);
        if (at >= 0 && Guid.TryParse(location.AsSpan(at + SagaLocation.Length), out var started))
            activity.SetTag(SagaIdTag, started.ToString("D"));
    }
}
