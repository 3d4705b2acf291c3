using System.Globalization;
using Azure.Storage.Queues;
using HealthServerless.Core.Common;
using HealthServerless.Core.Dispensing;
using HealthServerless.Core.Events;
using HealthServerless.Core.Identity;
using HealthServerless.Core.Prescriptions;
using HealthServerless.Functions;
using HealthServerless.Functions.Dispensing;
using HealthServerless.Functions.Platform.Durable;
using HealthServerless.Testing;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Microsoft.DurableTask.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace HealthServerless.EndToEnd.Tests.Dispensing;

/// <summary>
/// <see cref="PrescriptionRoutingV1"/> on the in-process Durable test host, which replays it for
/// real, with the app's own services (SQLite store, events on Azurite queues). Timers run on real
/// time, so the accept deadline is 3 s and a claim must be dispensed within 4 s.
/// </summary>
public sealed class PrescriptionRoutingOrchestrationTests : IAsyncLifetime
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static readonly Caller Citizen = new("citizen-routing", [Roles.Citizen]);

    private readonly string _folder = Path.Combine(Path.GetTempPath(), "hs-rx-dt-" + Guid.NewGuid().ToString("N"));
    private Azurite? _azurite;
    private DurableTaskTestHost? _host;
    private string? _codeId;
    private int _serial;

    private DurableTaskTestHost Host => _host!;

    private DispensingOrders Orders => Host.Services.GetRequiredService<DispensingOrders>();

    private PharmacyClaims Claims => Host.Services.GetRequiredService<PharmacyClaims>();

    public async ValueTask InitializeAsync()
    {
        _azurite = await Azurite.StartAsync();
        var settings = new Dictionary<string, string?>
        {
            ["Storage:ConnectionString"] = _azurite.ConnectionString,
            ["Sqlite:Path"] = Path.Combine(_folder, "app.db"),
            ["Auth:LocalKeyFile"] = Path.Combine(_folder, "keys", "local-issuer.json"),
            ["Identity:LocalKeyFile"] = Path.Combine(_folder, "keys", "identity.json"),
            ["Licensing:LocalKeyFile"] = Path.Combine(_folder, "keys", "licensing.json"),
            ["Dispensing:LocalKeyFile"] = Path.Combine(_folder, "keys", "dispensing.json"),
            ["Dispensing:AcceptDeadline"] = "00:00:03",
            ["Dispensing:DispenseWithin"] = "00:00:04",
            ["Dispensing:MaxCandidates"] = "2",
        };
        for (var i = 0; i < 3; i++)
        {
            var prefix = $"Dispensing:Pharmacies:{i}:";
            settings[prefix + "Id"] = "P0" + (i + 1).ToString(CultureInfo.InvariantCulture);
            settings[prefix + "Name"] = $"第{i + 1}药房";
            settings[prefix + "District"] = "徐汇区";
            settings[prefix + "Latitude"] = (31.21 + (i * 0.01)).ToString(CultureInfo.InvariantCulture);
            settings[prefix + "Longitude"] = "121.40";
            settings[prefix + "InsuranceDesignated"] = "true";
            settings[prefix + "Delivers"] = "true";
            settings[prefix + "Opens"] = "00:00";
            settings[prefix + "Closes"] = "00:00";
        }

        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        for (var attempt = 1; _host is null; attempt++)
        {
            try
            {
                _host = await DurableTaskTestHost.StartAsync(DurableTasks.Register, new DurableTaskTestHostOptions
                {
                    Port = EmulatorProcess.FreePort(),
                    ConfigureServices = services => services.AddSingleton<IConfiguration>(configuration).AddHealthServerless(configuration),
                });
            }
            catch (IOException) when (attempt < 5)
            {
            }
        }

        var directory = Host.Services.GetRequiredService<PharmacyDirectory>();
        for (var i = 1; i <= 3; i++)
        {
            await directory.ReportStockAsync(Pharmacy(i), [new StockLevel("X001", 10)], Ct);
        }

        _codeId = (await Host.Services.GetRequiredService<ResidentRegistration>().RegisterAsync(Citizen,
            new RegisterResident("居民甲", ResidentIds.Make(4242), "13800138000", Relationship.Self, null), Ct)).CodeId;
    }

    public async ValueTask DisposeAsync()
    {
        if (_host is not null)
        {
            await _host.DisposeAsync();
        }

        if (_azurite is not null)
        {
            await _azurite.DisposeAsync();
        }

        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        if (Directory.Exists(_folder))
        {
            Directory.Delete(_folder, recursive: true);
        }
    }

    [Fact]
    public async Task Decline_and_silence_each_move_to_the_next_pharmacy_and_then_the_citizen_is_asked_to_choose_again()
    {
        var rx = await StartAsync();
        await ChooseNearestAsync(rx);
        await WaitForAsync(rx, v => v is { Status: DispensingStatus.Offered, PharmacyId: "P01" }, "the offer to P01");

        await Claims.DeclineAsync(Pharmacy(1), rx, DeclineReason.OutOfStock, null, Ct);
        await WakeAsync(rx);
        await WaitForAsync(rx, v => v is { Status: DispensingStatus.Offered, PharmacyId: "P02" }, "the offer to P02");
        // P02 stays silent: its 3 s deadline passes; two candidates were offered, so the citizen chooses again.
        var again = await WaitForAsync(rx, v => v.Status == DispensingStatus.AwaitingChoice, "the citizen asked to choose again");

        Assert.Null(again.Choice);
        Assert.Equal(["P01", "P02"], await OfferedToAsync(rx));
        Assert.Contains("P02", await WithdrawnFromAsync(rx));
        var inbox = await Host.Services.GetRequiredService<Core.Notifications.NotificationInbox>().ListAsync(Citizen, null, null, Ct);
        Assert.Contains(inbox.Items, n => n.Template == Core.Notifications.NotificationTemplates.DispensingChooseAgain);
        Assert.Equal(OrchestrationRuntimeStatus.Running, (await Host.Client.GetInstanceAsync(DurablePrescriptionRouting.InstanceId(rx), cancellation: Ct))!.RuntimeStatus);
    }

    [Fact]
    public async Task A_claim_not_dispensed_in_time_goes_back_to_ready_and_is_offered_to_the_next_pharmacy()
    {
        var rx = await StartAsync();
        await ChooseNearestAsync(rx);
        await WaitForAsync(rx, v => v is { Status: DispensingStatus.Offered, PharmacyId: "P01" }, "the offer to P01");
        await Claims.AcceptAsync(Pharmacy(1), rx, Ct);
        await WakeAsync(rx);

        await WaitForAsync(rx, v => v is { Status: DispensingStatus.Offered, PharmacyId: "P02" }, "the claim back to ready and offered to P02");

        Assert.Equal(["P01", "P02"], await OfferedToAsync(rx));
        Assert.Contains("P01", await WithdrawnFromAsync(rx));
    }

    [Fact]
    public async Task The_end_of_validity_ends_the_orchestration()
    {
        var rx = await StartAsync(validFor: TimeSpan.FromSeconds(3));

        var done = await Host.Client.WaitForInstanceCompletionAsync(DurablePrescriptionRouting.InstanceId(rx), getInputsAndOutputs: true, Ct);

        Assert.Equal(DispensingStatus.Expired, done.ReadOutputAs<DispensingStatus>());
        Assert.Equal(DispensingStatus.Expired, (await Orders.GetAsync(Citizen, rx, Ct)).Status);
    }

    [Fact]
    public async Task The_physicians_cancellation_reaches_the_offered_pharmacy_and_ends_the_orchestration()
    {
        var rx = await StartAsync();
        await ChooseNearestAsync(rx);
        await WaitForAsync(rx, v => v is { Status: DispensingStatus.Offered, PharmacyId: "P01" }, "the offer to P01");

        await Host.Services.GetRequiredService<IPrescriptionRouting>().CancelAsync(rx, "dose changed", Ct);
        await WakeAsync(rx); // What SignalPrescriptionRouting does with the queued signal under a host.

        var done = await Host.Client.WaitForInstanceCompletionAsync(DurablePrescriptionRouting.InstanceId(rx), getInputsAndOutputs: true, Ct);
        Assert.Equal(DispensingStatus.Cancelled, done.ReadOutputAs<DispensingStatus>());
        Assert.Equal(["P01"], await WithdrawnFromAsync(rx));
    }

    private async Task<string> StartAsync(TimeSpan? validFor = null)
    {
        var id = "RXO" + Interlocked.Increment(ref _serial).ToString("000", CultureInfo.InvariantCulture) + Guid.NewGuid().ToString("N")[..6];
        var now = DateTimeOffset.UtcNow;
        var prescription = new ReleasedPrescription(id, 1, _codeId!, "H001", "D01", now, now + (validFor ?? TimeSpan.FromDays(1)),
            [new ReleasedLine("X001", "阿莫西林胶囊", 2, "盒", 1850)], $$"""{"resourceType":"Bundle","type":"collection","id":"{{id}}"}""");
        await Host.Services.GetRequiredService<IPrescriptionRouting>().ReleaseAsync(prescription, Ct);
        // Under a host the queued signal starts it (SignalPrescriptionRouting); here the test does.
        await Host.Client.ScheduleNewOrchestrationInstanceAsync(PrescriptionRoutingV1.Name, new PrescriptionRoutingInput(id), new StartOrchestrationOptions(DurablePrescriptionRouting.InstanceId(id)), Ct);
        return id;
    }

    private async Task ChooseNearestAsync(string rx)
    {
        await Orders.ChooseAsync(Citizen, rx, ChoiceKind.NearestDesignated, null, 31.20, 121.40, Ct);
        await WakeAsync(rx);
    }

    private Task WakeAsync(string rx) => Host.Client.RaiseEventAsync(DurablePrescriptionRouting.InstanceId(rx), PrescriptionRoutingV1.ChangedEvent, true, Ct);

    private static Caller Pharmacy(int i) => new("pharmacy-" + i, [Roles.Pharmacy], pharmacyId: "P0" + i.ToString(CultureInfo.InvariantCulture));

    private async Task<DispensingView> WaitForAsync(string rx, Func<DispensingView, bool> done, string what)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (true)
        {
            var view = await Orders.GetAsync(Citizen, rx, Ct);
            if (done(view))
            {
                return view;
            }

            if (DateTime.UtcNow > deadline)
            {
                var instance = await Host.Client.GetInstanceAsync(DurablePrescriptionRouting.InstanceId(rx), getInputsAndOutputs: true, Ct);
                throw new TimeoutException($"Timed out waiting for {what}: {view.Status} {view.PharmacyId}; {instance?.RuntimeStatus} {instance?.FailureDetails}");
            }

            await Task.Delay(100, Ct);
        }
    }

    private Task<List<string>> OfferedToAsync(string rx) => PartnersAsync(rx, PharmacyEvents.OfferedType);

    private Task<List<string>> WithdrawnFromAsync(string rx) => PartnersAsync(rx, PharmacyEvents.WithdrawnType);

    /// <summary>The pharmacies the events of this prescription on the prescriptions queue went to, in order.</summary>
    private async Task<List<string>> PartnersAsync(string rx, string type)
    {
        var queue = new QueueServiceClient(_azurite!.ConnectionString, new QueueClientOptions { MessageEncoding = QueueMessageEncoding.Base64 }).GetQueueClient("events-prescriptions");
        var events = new List<ReceivedCloudEvent>();
        foreach (var message in (await queue.PeekMessagesAsync(32, Ct)).Value)
        {
            events.Add(CloudEventJson.Parse(message.Body.ToMemory()));
        }

        return [.. events.Where(e => e.Event.Subject == rx && e.Event.Type == type).OrderBy(e => e.Event.Time).Select(e => e.Extensions["partnerid"])];
    }
}
