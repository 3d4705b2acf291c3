using System.ComponentModel.DataAnnotations;
using HealthServerless.Core.Alerts;

namespace HealthServerless.Functions.Alerts;

/// <summary>An acknowledgement or a closure, with an optional note (no personal data: it is shown to every official of the jurisdiction).</summary>
public sealed record AlertAnswerRequest([StringLength(500)] string? Note = null);

public sealed record AlertVerificationRequest(AlertVerification Verification, [StringLength(500)] string? Note = null);

public sealed record SubscriberChannelRequest(ChannelKind Kind, [Required, StringLength(100, MinimumLength = 1)] string Target)
{
    public SubscriberChannel ToChannel() => new(Kind, Target.Trim());
}

public sealed record SubscriptionRequest(
    SubscriberKind Kind,
    [Required, MinLength(1), MaxLength(5)] IReadOnlyList<SubscriberChannelRequest> Channels,
    [StringLength(50, MinimumLength = 1)] string? District = null,
    [StringLength(32, MinimumLength = 1)] string? InstitutionId = null,
    bool Active = true)
{
    public SubscriptionChange ToChange() => new(Kind, District, InstitutionId, [.. Channels.Select(c => c.ToChannel())], Active);
}

public sealed record AlertSignalRequest(
    [Required, StringLength(200, MinimumLength = 1)] string SignalId,
    [Required, StringLength(40, MinimumLength = 1)] string SourceType,
    [Required, StringLength(40, MinimumLength = 1)] string Method,
    DateOnly Day,
    double Observed,
    double Statistic,
    double Threshold)
{
    public AlertSignal ToSignal() => new(SignalId, SourceType, Method, Day, Observed, Statistic, Threshold);
}

/// <summary>An operator's raise (tests, drills, the demo), through the same <see cref="IAlertRaiser"/> surveillance uses.</summary>
public sealed record AlertRaiseRequest(
    [Required, StringLength(50, MinimumLength = 1)] string District,
    [Required, StringLength(20, MinimumLength = 1)] string SeriesKind,
    [Required, StringLength(40, MinimumLength = 1)] string SeriesCode,
    AlertTrigger Trigger,
    [Required, MinLength(1), MaxLength(50)] IReadOnlyList<AlertSignalRequest> Signals)
{
    public AlertRaise ToRaise(DateTimeOffset now) => new(District, SeriesKind, SeriesCode, Trigger, [.. Signals.Select(s => s.ToSignal())], now);
}

public sealed record AlertRaised(string AlertId);
