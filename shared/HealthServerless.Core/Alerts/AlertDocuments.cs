using HealthServerless.Core.Storage;

namespace HealthServerless.Core.Alerts;

/// <summary>Where an alert stands (docs/alerts.md, "Lifecycle"). Verified and closed are final.</summary>
public enum AlertStatus
{
    Open,
    Acknowledged,
    Verified,
    Closed,
}

/// <summary>What verification found: an event to respond to, or a false signal.</summary>
public enum AlertVerification
{
    SuspectedEvent,
    Excluded,
}

/// <summary>The escalation ladder, lowest first: silence at one level notifies the next.</summary>
public enum AlertLevel
{
    District = 0,
    City = 1,
    Province = 2,
}

/// <summary>Who did one step of the lifecycle, and when.</summary>
public sealed record AlertStep(string By, DateTimeOffset At, string? Note = null);

public sealed record AlertHistoryEntry(DateTimeOffset At, string Actor, string Action, AlertLevel Level);

/// <summary>
/// One alert: one document (partition = district, id = alert id), so every step of its lifecycle
/// is one conditional write. <see cref="Signals"/> grows as surveillance attaches new detections
/// for the same district and series (at most <see cref="AlertOptions.MaxSignals"/> are kept;
/// <see cref="SignalCount"/> counts them all).
/// </summary>
public sealed record AlertRecord(
    string Id,
    string District,
    string SeriesKind,
    string SeriesCode,
    AlertTrigger Trigger,
    AlertStatus Status,
    DateTimeOffset DetectedAt,
    DateTimeOffset RaisedAt,
    IReadOnlyList<AlertSignal> Signals,
    int SignalCount,
    AlertLevel Level,
    DateTimeOffset? DueAt,
    AlertStep? Acknowledged,
    AlertStep? Verified,
    AlertVerification? Verification,
    AlertStep? Closed,
    IReadOnlyList<AlertHistoryEntry> History)
{
    /// <summary>New signals still attach: the alert has not been verified or closed.</summary>
    public bool IsOpen => Status is AlertStatus.Open or AlertStatus.Acknowledged;

    /// <summary>Somebody answered: the ladder stops.</summary>
    public bool IsAnswered => Status != AlertStatus.Open;

    public AlertRecord Logged(DateTimeOffset at, string actor, string action) =>
        this with { History = [.. History, new AlertHistoryEntry(at, actor, action, Level)] };
}

/// <summary>The open alert of one district and series (partition = district): created only if absent, so two concurrent raises make one alert.</summary>
public sealed record AlertOpenClaim(string AlertId, string SeriesKind, string SeriesCode);

/// <summary>A signal already taken, with the alert it went to: a repeated raise is a no-op.</summary>
public sealed record AlertSignalClaim(string SignalId, string AlertId);

/// <summary>An alert id's district, written once when the alert is raised, so an alert is found by its id alone.</summary>
public sealed record AlertLocator(string AlertId, string District);

/// <summary>The districts that ever had an alert: the city's report runs over them.</summary>
public sealed record AlertDistricts(IReadOnlyList<string> Names);

public enum SubscriberKind
{
    DistrictCdc,
    Institution,
    CityCdc,
    HealthCommission,
    ProvinceCdc,
}

public enum ChannelKind
{
    /// <summary>The subscriber's message centre (Notifications), by token subject.</summary>
    Inbox,

    /// <summary>A <c>city.health.alert.notice</c> event for the city's SMS / WeChat gateway, which resolves the address.</summary>
    Gateway,

    /// <summary>A signed POST to a webhook configured under <c>Alerts:Webhooks:{name}</c>.</summary>
    Webhook,
}

/// <summary>One way to reach a subscriber: an inbox subject, a gateway address id, or a configured webhook's name.</summary>
public sealed record SubscriberChannel(ChannelKind Kind, string Target);

/// <summary>
/// Who must know of an alert, at which level of the ladder and through which channels, tried
/// in order (a failed channel falls back to the next). Partition = <see cref="AlertContainers.Scope"/>.
/// </summary>
public sealed record SubscriptionRecord(
    string Id,
    SubscriberKind Kind,
    AlertLevel Level,
    string? District,
    string? InstitutionId,
    IReadOnlyList<SubscriberChannel> Channels,
    bool Active,
    DateTimeOffset UpdatedAt,
    string UpdatedBy);

public enum DeliveryStatus
{
    Delivered,
    Failed,
}

/// <summary>
/// One notification of one subscriber for one level of one alert (partition = alert id, id =
/// <c>{level}:{subscription}</c>): a re-run batch finds it and notifies nobody twice.
/// </summary>
public sealed record AlertDeliveryRecord(
    string AlertId, AlertLevel Level, string SubscriptionId, DeliveryStatus Status, ChannelKind? Channel,
    IReadOnlyList<ChannelKind> FailedChannels, DateTimeOffset At);

public static class AlertContainers
{
    public static StoreContainer Alerts { get; } = new("alerts", "district");

    public static StoreContainer Index { get; } = new("alert-index", "district (open:{kind}:{code} claims, sig:{signal} claims); \"districts\" for the list of districts");

    public static StoreContainer Locators { get; } = new("alert-locators", "alert id");

    public static StoreContainer Subscriptions { get; } = new("alert-subscriptions", "scope: district:{name}, city or province");

    public static StoreContainer Deliveries { get; } = new("alert-deliveries", "alert id");

    public static IReadOnlyList<StoreContainer> All { get; } = [Alerts, Index, Locators, Subscriptions, Deliveries];

    public const string LocatorId = "locator";

    public const string DistrictsPartition = "districts";

    public const string DistrictsId = "list";

    public static string OpenClaimId(string seriesKind, string seriesCode) => $"open:{seriesKind}:{seriesCode}";

    /// <summary>Hashed: a source's signal id may hold characters a document id cannot.</summary>
    public static string SignalClaimId(string signalId) =>
        "sig:" + Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(signalId)))[..40];

    public static string DeliveryId(AlertLevel level, string subscriptionId) => $"{(int)level}:{subscriptionId}";

    /// <summary>The partition of a level's subscriptions: one district's, the city's or the province's.</summary>
    public static string Scope(AlertLevel level, string? district) => level switch
    {
        AlertLevel.District => "district:" + (district ?? throw new ArgumentNullException(nameof(district))),
        AlertLevel.City => "city",
        AlertLevel.Province => "province",
        _ => throw new ArgumentOutOfRangeException(nameof(level)),
    };
}
