using System.Globalization;
using System.Text.Json;
using HealthServerless.Core.Common;
using HealthServerless.Core.Events;
using HealthServerless.Core.Storage;

namespace HealthServerless.Core.Alerts;

/// <summary>Who may see and answer the alerts of a district: its own CDC, the city's and the province's officials (docs/alerts.md, "Jurisdiction").</summary>
public static class Jurisdictions
{
    public const string City = "city";
    public const string Province = "province";

    public static bool Covers(Caller caller, string district)
    {
        ArgumentNullException.ThrowIfNull(caller);
        // Operators (admin) see every district; an official sees the jurisdiction the token names.
        return caller.IsInRole(Roles.Admin)
            || (caller.IsInRole(Roles.Cdc) && caller.Jurisdiction is { } j && (j is City or Province || string.Equals(j, district, StringComparison.Ordinal)));
    }

    public static Caller Require(Caller caller, string district) =>
        Covers(caller, district) ? caller : throw DomainException.Forbidden("jurisdiction-scope", "The alert belongs to another jurisdiction.");

    /// <summary>The caller's own district, or null for the city, the province and operators.</summary>
    public static string? DistrictOf(Caller caller)
    {
        ArgumentNullException.ThrowIfNull(caller);
        return caller.IsInRole(Roles.Admin) || caller.Jurisdiction is City or Province ? null : caller.Jurisdiction;
    }
}

/// <summary>The data of every alert event: the alert as partners see it (no person is in it).</summary>
public sealed record AlertEventData(
    string AlertId, string District, string SeriesKind, string SeriesCode, AlertTrigger Trigger, AlertStatus Status,
    AlertLevel Level, int SignalCount, DateTimeOffset RaisedAt, DateTimeOffset? DueAt, AlertVerification? Verification);

/// <summary>A further way to partners besides the event port (the signed webhook); must accept the event durably (a queue) before returning.</summary>
public interface IAlertPartnerChannel
{
    Task HandOverAsync(CloudEvent cloudEvent, CancellationToken cancellationToken);
}

/// <summary>
/// Alerts as CloudEvents on topic <c>alerts</c> (Service Bus on Azure, queue <c>events-alerts</c> on
/// one machine), for partners: <c>city.health.alert.raised</c>, <c>.escalated</c>,
/// <c>.acknowledged</c>, <c>.verified</c>, <c>.closed</c>. Ids derive from the alert and the step,
/// so a re-published event is the same event; properties <c>district</c>, <c>serieskind</c>,
/// <c>seriescode</c> and <c>level</c> are there to filter on.
/// </summary>
public sealed class AlertEvents(IEventPublisher events, IEnumerable<IAlertPartnerChannel> channels)
{
    public const string Source = "/healthserverless/alerts";
    public const string TypePrefix = "city.health.alert.";

    private readonly IReadOnlyList<IAlertPartnerChannel> _channels = [.. channels];

    /// <summary>The ladder reached <see cref="AlertRecord.Level"/>: raised at the district, escalated above it.</summary>
    public Task LevelReachedAsync(AlertRecord alert, DateTimeOffset at, CancellationToken cancellationToken) =>
        alert.Level == AlertLevel.District
            ? PublishAsync(alert, "raised", $"{alert.Id}.raised", at, cancellationToken)
            : PublishAsync(alert, "escalated", $"{alert.Id}.escalated.{(int)alert.Level}", at, cancellationToken);

    /// <summary>The alert's current answer: acknowledged, verified or closed.</summary>
    public Task AnsweredAsync(AlertRecord alert, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(alert);
        var (action, step) = alert.Status switch
        {
            AlertStatus.Acknowledged => ("acknowledged", alert.Acknowledged),
            AlertStatus.Verified => ("verified", alert.Verified),
            AlertStatus.Closed => ("closed", alert.Closed),
            _ => throw new ArgumentException("The alert is not answered.", nameof(alert)),
        };
        return PublishAsync(alert, action, $"{alert.Id}.{action}", step!.At, cancellationToken);
    }

    private async Task PublishAsync(AlertRecord alert, string action, string id, DateTimeOffset at, CancellationToken cancellationToken)
    {
        var data = new AlertEventData(alert.Id, alert.District, alert.SeriesKind, alert.SeriesCode, alert.Trigger, alert.Status,
            alert.Level, alert.SignalCount, alert.RaisedAt, alert.DueAt, alert.Verification);
        var cloudEvent = new CloudEvent(id, Source, TypePrefix + action, alert.Id, at, JsonSerializer.SerializeToElement(data, TypedDocuments.Json));
        var properties = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["district"] = alert.District,
            ["serieskind"] = alert.SeriesKind,
            ["seriescode"] = alert.SeriesCode,
            ["level"] = ((int)alert.Level).ToString(CultureInfo.InvariantCulture),
        };
        await events.PublishAsync(EventTopics.Alerts, cloudEvent, properties: properties, cancellationToken: cancellationToken);
        foreach (var channel in _channels)
        {
            await channel.HandOverAsync(cloudEvent, cancellationToken);
        }
    }
}
