using System.Collections.Concurrent;
using System.Globalization;
using System.Security.Cryptography;
using HealthServerless.Core.Common;
using HealthServerless.Core.Dispensing;
using HealthServerless.Core.Events;
using HealthServerless.Core.Licensing;
using HealthServerless.Core.Prescriptions;
using Microsoft.Extensions.Options;

namespace HealthServerless.Core.Tests.Dispensing;

/// <summary>
/// Dispensing's use cases on a SQLite file with a fake clock: twelve designated pharmacies in a
/// line going north from the citizen (P01 nearest), always open, with stock of everything.
/// Events are recorded as the Service Bus message would carry them.
/// </summary>
public sealed class DispensingWorld : IAsyncDisposable
{
    public const double Latitude = 31.20;
    public const double Longitude = 121.40;

    private int _serial;
    private string? _codeId;

    public DispensingWorld(int maxCandidates = 3)
    {
        Options = new DispensingOptions
        {
            MaxCandidates = maxCandidates,
            Pharmacies = [.. Enumerable.Range(1, 12).Select(i => new PharmacyRecord(
                PharmacyId(i), $"第{i}药房", "徐汇区", Latitude + (i * 0.01), Longitude, InsuranceDesignated: true, Delivers: i % 2 == 0, new TimeOnly(0, 0), new TimeOnly(0, 0)))],
        };
        var options = Microsoft.Extensions.Options.Options.Create(Options);
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        Receipts = new DispenseReceipts(new ReceiptSigner(CertificateSigner.FromPkcs8(
            new Dictionary<string, string> { ["r1"] = Convert.ToBase64String(key.ExportPkcs8PrivateKey()) }, "r1", DispenseReceipts.TokenType)));
        Directory = new PharmacyDirectory(Core.Store, options, Core.Time);
        PharmacyEvents = new PharmacyEvents(Events, []);
        Notices = new DispensingNotices(Core.Notifications, Directory);
        Orders = new DispensingOrders(Core.Store, Directory, PharmacyEvents, Notices, Core.Registration, Core.Time);
        Steps = new RoutingSteps(Core.Store, Directory, PharmacyEvents, Notices, options);
        Claims = new PharmacyClaims(Core.Store, new ClaimSecrets(RandomNumberGenerator.GetBytes(32)), Receipts, Notices, options, Core.Time);
        Tasks = new PharmacyTasks(Core.Store, Claims);
    }

    public CoreWorld Core { get; } = new();

    public DispensingOptions Options { get; }

    public RecordingEvents Events { get; } = new();

    public DispenseReceipts Receipts { get; }

    public PharmacyDirectory Directory { get; }

    public PharmacyEvents PharmacyEvents { get; }

    public DispensingNotices Notices { get; }

    public DispensingOrders Orders { get; }

    public RoutingSteps Steps { get; }

    public PharmacyClaims Claims { get; }

    public PharmacyTasks Tasks { get; }

    public DateTimeOffset Now => Core.Time.GetUtcNow();

    public static string PharmacyId(int i) => "P" + i.ToString("00", CultureInfo.InvariantCulture);

    public static Caller Pharmacy(int i) => new("pharmacy-system-" + i, [Roles.Pharmacy], pharmacyId: PharmacyId(i));

    public static Caller Citizen { get; } = CoreWorld.Citizen("citizen-rx");

    /// <summary>Every pharmacy reports stock of the two drugs (20 of each).</summary>
    public async Task StockAllAsync(int quantity = 20)
    {
        for (var i = 1; i <= 12; i++)
        {
            await Directory.ReportStockAsync(Pharmacy(i), [new StockLevel("X001", quantity), new StockLevel("X002", quantity)]);
        }
    }

    /// <summary>A released prescription for a registered health code (the prescribing side is not needed to make one).</summary>
    public async Task<ReleasedPrescription> ReleaseAsync(TimeSpan? validFor = null)
    {
        var serial = Interlocked.Increment(ref _serial);
        var codeId = _codeId ??= await Core.RegisterAsync(Citizen.Subject, 700);
        var prescription = Prescription("RX" + serial.ToString("0000", CultureInfo.InvariantCulture), codeId, Now, validFor ?? TimeSpan.FromDays(3));
        await Orders.ReleaseAsync(prescription, "PrescriptionRoutingV1");
        return prescription;
    }

    public static ReleasedPrescription Prescription(string id, string codeId, DateTimeOffset at, TimeSpan validFor, int version = 1) =>
        new(id, version, codeId, "H001", "D01", at, at + validFor,
            [new ReleasedLine("X001", "阿莫西林胶囊", 2, "盒", 1850), new ReleasedLine("X002", "布洛芬缓释胶囊", 1, "盒", 2300)],
            $$"""{"resourceType":"Bundle","type":"collection","id":"{{id}}","entry":[]}""");

    /// <summary>Released, chosen (nearest designated) and offered to the first candidate.</summary>
    public async Task<(ReleasedPrescription Prescription, RoutingPlan Plan)> OfferedAsync(ChoiceKind kind = ChoiceKind.NearestDesignated)
    {
        await StockAllAsync();
        var prescription = await ReleaseAsync();
        await Steps.PlanAsync(prescription.PrescriptionId, Now);
        await ChooseAsync(prescription.PrescriptionId, kind);
        return (prescription, await Steps.PlanAsync(prescription.PrescriptionId, Now));
    }

    public Task<DispensingView> ChooseAsync(string prescriptionId, ChoiceKind kind = ChoiceKind.NearestDesignated, int? pharmacy = null) =>
        Orders.ChooseAsync(Citizen, prescriptionId, kind, pharmacy is { } p ? PharmacyId(p) : null,
            kind == ChoiceKind.Pharmacy ? null : Latitude, kind == ChoiceKind.Pharmacy ? null : Longitude);

    public Task<DispensingView> ViewAsync(string prescriptionId) => Orders.GetAsync(Citizen, prescriptionId);

    public IReadOnlyList<string> OfferedTo(string prescriptionId) =>
        [.. Events.Sent.Where(e => e.Event.Type == PharmacyEvents.OfferedType && e.Event.Subject == prescriptionId).Select(e => e.Properties[PharmacyEvents.PartnerProperty])];

    public IReadOnlyList<string> WithdrawnFrom(string prescriptionId) =>
        [.. Events.Sent.Where(e => e.Event.Type == PharmacyEvents.WithdrawnType && e.Event.Subject == prescriptionId).Select(e => e.Properties[PharmacyEvents.PartnerProperty])];

    /// <summary>The citizen's inbox: the port makes one entry per occasion key, however often it is sent.</summary>
    public IReadOnlyList<string> NoticesSent => [.. Core.Notifications.Sent.DistinctBy(m => m.Key).Select(m => m.Template)];

    public ValueTask DisposeAsync() => Core.DisposeAsync();

    /// <summary>What would be sent to the Service Bus topic, checked by the rules every publisher enforces.</summary>
    public sealed class RecordingEvents : IEventPublisher
    {
        public ConcurrentQueue<(string Topic, CloudEvent Event, string? SessionId, IReadOnlyDictionary<string, string> Properties)> Sent { get; } = new();

        public Task PublishAsync(string topic, CloudEvent cloudEvent, string? sessionId = null, IReadOnlyDictionary<string, string>? properties = null, CancellationToken cancellationToken = default)
        {
            EventPublishing.Validate(topic, cloudEvent, sessionId, properties);
            Sent.Enqueue((topic, cloudEvent, sessionId, properties ?? new Dictionary<string, string>()));
            return Task.CompletedTask;
        }
    }
}
