using System.Globalization;
using System.Text.Json;
using HealthServerless.Core.Common;
using HealthServerless.Core.Events;
using HealthServerless.Core.Notifications;
using HealthServerless.Core.Storage;

namespace HealthServerless.Core.Dispensing;

/// <summary>Why a pharmacy's offer or claim ended without it dispensing, as the withdrawn event says.</summary>
public static class WithdrawalReasons
{
    public const string OfferLapsed = "offer-lapsed";
    public const string ClaimLapsed = "claim-lapsed";
    public const string Cancelled = "cancelled";
    public const string Expired = "expired";
}

/// <summary>The data of <c>city.health.prescription.withdrawn</c>: the pharmacy must stop working on it.</summary>
public sealed record PrescriptionWithdrawn(string PrescriptionId, string Reason, int Seq);

/// <summary>
/// A further way to a pharmacy besides the event port (the signed webhook): handed each of its
/// events after the event port took it; must accept it durably (a queue) before returning.
/// </summary>
public interface IPharmacyEventChannel
{
    Task HandOverAsync(string pharmacyId, CloudEvent cloudEvent, CancellationToken cancellationToken);
}

/// <summary>
/// CloudEvents to one pharmacy on topic <c>prescriptions</c> (docs/dispensing.md, "Events"):
/// property <c>partnerid</c> is the pharmacy id (its Service Bus subscription's SQL filter, its
/// queue on one machine), the session id is the prescription id. Ids derive from the
/// prescription and the transition, so a re-published event is the same event.
/// </summary>
public sealed class PharmacyEvents(IEventPublisher events, IEnumerable<IPharmacyEventChannel> channels)
{
    private readonly IReadOnlyList<IPharmacyEventChannel> _channels = [.. channels];

    public const string Source = "/healthserverless/dispensing";
    public const string OfferedType = "city.health.prescription.offered";
    public const string WithdrawnType = "city.health.prescription.withdrawn";
    public const string FhirJson = "application/fhir+json";
    public const string PartnerProperty = "partnerid";

    /// <summary>The offer carries the FHIR R4 Bundle of MedicationRequests and, as <c>deadline</c>, when it lapses.</summary>
    public async Task OfferedAsync(DispensingRecord record, OfferRecord offer, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(record);
        ArgumentNullException.ThrowIfNull(offer);
        using var bundle = JsonDocument.Parse(record.Prescription.FhirBundleJson);
        var cloudEvent = new CloudEvent($"{record.PrescriptionId}.{offer.Seq}.offered", Source, OfferedType, record.PrescriptionId, offer.OfferedAt, bundle.RootElement.Clone(), FhirJson);
        await SendAsync(offer.PharmacyId, cloudEvent, Properties(offer.PharmacyId, offer.Deadline), cancellationToken);
    }

    public async Task WithdrawnAsync(string prescriptionId, string pharmacyId, int seq, string reason, DateTimeOffset at, CancellationToken cancellationToken)
    {
        var data = JsonSerializer.SerializeToElement(new PrescriptionWithdrawn(prescriptionId, reason, seq), TypedDocuments.Json);
        var cloudEvent = new CloudEvent($"{prescriptionId}.{seq}.withdrawn", Source, WithdrawnType, prescriptionId, at, data);
        await SendAsync(pharmacyId, cloudEvent, Properties(pharmacyId, null), cancellationToken);
    }

    private async Task SendAsync(string pharmacyId, CloudEvent cloudEvent, Dictionary<string, string> properties, CancellationToken cancellationToken)
    {
        await events.PublishAsync(EventTopics.Prescriptions, cloudEvent, cloudEvent.Subject, properties, cancellationToken);
        foreach (var channel in _channels)
        {
            await channel.HandOverAsync(pharmacyId, cloudEvent, cancellationToken);
        }
    }

    private static Dictionary<string, string> Properties(string pharmacyId, DateTimeOffset? deadline)
    {
        var properties = new Dictionary<string, string>(StringComparer.Ordinal) { [PartnerProperty] = pharmacyId };
        if (deadline is { } at)
        {
            properties["deadline"] = at.UtcDateTime.ToString("O", CultureInfo.InvariantCulture);
        }

        return properties;
    }
}

/// <summary>The citizen's inbox: one notice per transition (key = prescription, transition number, template).</summary>
public sealed class DispensingNotices(INotificationSender notifications, PharmacyDirectory directory)
{
    public async Task SendAsync(DispensingRecord record, string template, string? pharmacyId = null, IReadOnlyDictionary<string, string>? extra = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(record);
        var values = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["prescriptionId"] = record.PrescriptionId,
            ["validUntil"] = TimeZoneInfo.ConvertTime(record.Prescription.ValidUntil, BusinessTime.Zone).ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture),
        };
        if (pharmacyId is not null)
        {
            values["pharmacyName"] = (await directory.FindAsync(pharmacyId, cancellationToken))?.Name ?? pharmacyId;
        }

        foreach (var (name, value) in extra ?? new Dictionary<string, string>())
        {
            values[name] = value;
        }

        await notifications.SendAsync(new NotificationMessage(
            NotificationRecipient.HealthCode(record.Prescription.CodeId), template, $"dispensing:{record.PrescriptionId}:{record.Seq}:{template}", values), cancellationToken);
    }
}
